package dev.scratchnet.cli;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.examples.Chapter14;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint of a training run: the variables under their names (W1, b1, W2, b2), Adam's moments under
 * {@code adam.m/NAME} and {@code adam.v/NAME}, and in the metadata the last complete epoch, the optimizer's step
 * count and the run's settings, so that {@code --resume} continues exactly where the run stopped.
 */
final class TrainingState {
    static final String EPOCH = "epoch", ITERATIONS = "iterations", CONFIG = "config";

    private TrainingState() {
    }

    static void save(Path file, Chapter14 model, Optimizer optimizer, int epoch, String config) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Variable v : model.variables()) {
            tensors.put(v.name(), v.value());
        }
        if (optimizer instanceof Adam adam) {
            for (Variable v : model.variables()) {
                Adam.Moments moments = adam.moments(v);
                if (moments != null) {
                    tensors.put("adam.m/" + v.name(), Tensor.fromArray(moments.m(), v.shape()));
                    tensors.put("adam.v/" + v.name(), Tensor.fromArray(moments.v(), v.shape()));
                }
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "scratchnet");
        metadata.put(EPOCH, Integer.toString(epoch));
        metadata.put(ITERATIONS, Long.toString(optimizer.iterations()));
        metadata.put(CONFIG, config);
        new Checkpoint(tensors, metadata).save(file);
    }

    /** A network with the checkpoint's weights, checked against the expected shapes where given (null skips). */
    static Chapter14 model(Checkpoint checkpoint, Path file, Shape w1Shape, Shape w2Shape) throws FileFormatException {
        Tensor w1 = checkpoint.require("W1", file), b1 = checkpoint.require("b1", file);
        Tensor w2 = checkpoint.require("W2", file), b2 = checkpoint.require("b2", file);
        if ((w1Shape != null && !w1.shape().equals(w1Shape)) || (w2Shape != null && !w2.shape().equals(w2Shape))) {
            throw new FileFormatException(file, -1, "holds W1 " + w1.shape() + " and W2 " + w2.shape() + " but this run needs W1 " + w1Shape
                    + " and W2 " + w2Shape + " (check --hidden and the data set)");
        }
        try {
            return new Chapter14(w1.cast(dev.scratchnet.tensor.DType.FLOAT32), b1.cast(dev.scratchnet.tensor.DType.FLOAT32),
                    w2.cast(dev.scratchnet.tensor.DType.FLOAT32), b2.cast(dev.scratchnet.tensor.DType.FLOAT32));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, -1, e.getMessage());
        }
    }

    /** Restores Adam's moments and step count; returns the last complete epoch. */
    static int restoreOptimizer(Checkpoint checkpoint, Path file, Chapter14 model, Optimizer optimizer) throws FileFormatException {
        Map<String, String> meta = checkpoint.metadata();
        if (!meta.containsKey(EPOCH) || !meta.containsKey(ITERATIONS)) {
            throw new FileFormatException(file, -1, "is not a training checkpoint (no epoch and step count); use --init to start from its weights");
        }
        if (optimizer instanceof Adam adam) {
            for (Variable v : model.variables()) {
                Tensor m = checkpoint.tensors().get("adam.m/" + v.name()), s = checkpoint.tensors().get("adam.v/" + v.name());
                if (m == null || s == null) {
                    continue;
                }
                if (!m.shape().equals(v.shape()) || !s.shape().equals(v.shape())) {
                    throw new FileFormatException(file, -1, "Adam moments of " + v.name() + " have shape " + m.shape() + ", not " + v.shape());
                }
                Adam.Moments moments = adam.momentsFor(v);
                System.arraycopy(Storage.convert(m.data(), m.offset(), m.size(), v.dtype()), 0, moments.m(), 0, m.size());
                System.arraycopy(Storage.convert(s.data(), s.offset(), s.size(), v.dtype()), 0, moments.v(), 0, s.size());
            }
        }
        try {
            optimizer.setIterations(Long.parseLong(meta.get(ITERATIONS)));
            return Integer.parseInt(meta.get(EPOCH));
        } catch (NumberFormatException e) {
            throw new FileFormatException(file, -1, "metadata epoch '" + meta.get(EPOCH) + "' or iterations '" + meta.get(ITERATIONS) + "' is not a number");
        }
    }
}
