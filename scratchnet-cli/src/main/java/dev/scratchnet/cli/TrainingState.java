package dev.scratchnet.cli;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.models.Models;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.tensor.Storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint of a training run: the variables under their names (W1, b1, W2, b2 for the chapter's network),
 * Adam's moments under {@code adam.m/NAME} and {@code adam.v/NAME}, and in the metadata the model (kind and sizes),
 * the last complete epoch, the optimizer's step count and the run's settings, so that {@code --resume} continues
 * exactly where the run stopped and {@code eval} and {@code predict} rebuild the model.
 */
final class TrainingState {
    static final String EPOCH = "epoch", ITERATIONS = "iterations", CONFIG = "config";

    /** What builds a model: its kind and sizes. */
    record Shape(Models.Kind kind, int inputs, int hidden, int classes, double dropout) {
        Layer build(long seed) {
            return Models.build(kind, inputs, hidden, classes, dropout, Generator.fromSeed(seed));
        }
    }

    private TrainingState() {
    }

    static void save(Path file, Layer model, Shape shape, Optimizer optimizer, int epoch, String config) throws IOException {
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
        metadata.put("model", shape.kind().name());
        metadata.put("inputs", Integer.toString(shape.inputs()));
        metadata.put("hidden", Integer.toString(shape.hidden()));
        metadata.put("classes", Integer.toString(shape.classes()));
        metadata.put("dropout", Double.toString(shape.dropout()));
        metadata.put(EPOCH, Integer.toString(epoch));
        metadata.put(ITERATIONS, Long.toString(optimizer.iterations()));
        metadata.put(CONFIG, config);
        new Checkpoint(tensors, metadata).save(file);
    }

    /** The model a checkpoint holds: as its metadata describes it, or the chapter's network from W1, b1, W2, b2. */
    static Layer model(Checkpoint checkpoint, Path file) throws FileFormatException {
        Map<String, String> meta = checkpoint.metadata();
        Shape shape;
        try {
            shape = meta.containsKey("model")
                    ? new Shape(Models.Kind.valueOf(meta.get("model")), Integer.parseInt(meta.get("inputs")), Integer.parseInt(meta.get("hidden")),
                    Integer.parseInt(meta.get("classes")), Double.parseDouble(meta.get("dropout")))
                    : new Shape(Models.Kind.chapter, checkpoint.require("W1", file).dim(0), checkpoint.require("W1", file).dim(1),
                    checkpoint.require("W2", file).dim(-1), 0);
        } catch (IllegalArgumentException | NullPointerException | IndexOutOfBoundsException e) {
            throw new FileFormatException(file, -1, "metadata does not describe a model (" + e.getMessage() + ")");
        }
        Layer model = shape.build(0);
        loadWeights(checkpoint, file, model);
        return model;
    }

    /** The number of inputs (pixels) the checkpoint's model takes: from its metadata, else from its first variable. */
    static int inputs(Checkpoint checkpoint, Layer model) {
        String fromMetadata = checkpoint.metadata().get("inputs");
        return fromMetadata != null ? Integer.parseInt(fromMetadata) : model.variables().get(0).shape().dim(0);
    }

    /** Copies the checkpoint's tensors into the model's variables, by name; a missing one or a shape mismatch is an error. */
    static void loadWeights(Checkpoint checkpoint, Path file, Layer model) throws FileFormatException {
        for (Variable v : model.variables()) {
            Tensor t = checkpoint.require(v.name(), file);
            if (!t.shape().equals(v.shape())) {
                throw new FileFormatException(file, -1, "holds " + v.name() + " " + t.shape() + " but this run needs " + v.name() + " " + v.shape()
                        + " (check --model, --hidden and the data set)");
            }
            v.assign(t.cast(v.dtype()));
        }
    }

    /** Restores Adam's moments and step count; returns the last complete epoch. */
    static int restoreOptimizer(Checkpoint checkpoint, Path file, Layer model, Optimizer optimizer) throws FileFormatException {
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
