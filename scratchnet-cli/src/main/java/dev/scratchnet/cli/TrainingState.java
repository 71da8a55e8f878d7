package dev.scratchnet.cli;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.models.Model;
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
 * A checkpoint of a training run: the model's own checkpoint ({@link Model#toCheckpoint}: its variables and what
 * rebuilds it), plus Adam's moments under {@code adam.m/NAME} and {@code adam.v/NAME}, and in the metadata the last
 * complete epoch, the optimizer's step count, its test accuracy and the run's settings, so that {@code --resume}
 * continues exactly where the run stopped and {@code serve} can say how good the model is.
 */
final class TrainingState {
    static final String EPOCH = "epoch", ITERATIONS = "iterations", CONFIG = "config", TEST_ACCURACY = "test_accuracy";

    private TrainingState() {
    }

    static void save(Path file, Model model, Optimizer optimizer, int epoch, double testAccuracy, String config) throws IOException {
        Checkpoint weights = model.toCheckpoint();
        Map<String, Tensor> tensors = new LinkedHashMap<>(weights.tensors());
        if (optimizer instanceof Adam adam) {
            for (Variable v : model.variables()) {
                Adam.Moments moments = adam.moments(v);
                if (moments != null) {
                    tensors.put("adam.m/" + v.name(), Tensor.fromArray(moments.m(), v.shape()));
                    tensors.put("adam.v/" + v.name(), Tensor.fromArray(moments.v(), v.shape()));
                }
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>(weights.metadata());
        metadata.put(EPOCH, Integer.toString(epoch));
        metadata.put(ITERATIONS, Long.toString(optimizer.iterations()));
        metadata.put(CONFIG, config);
        if (Double.isFinite(testAccuracy)) {
            metadata.put(TEST_ACCURACY, Double.toString(testAccuracy));
        }
        new Checkpoint(tensors, metadata).save(file);
    }

    /**
     * The model of a checkpoint, to evaluate or predict with: weights holding NaN or infinity (a run that diverged) can
     * predict nothing, so they are refused, naming the variable.
     */
    static Model loadTrained(Path file) throws IOException {
        Model model = Model.load(file);
        for (Variable v : model.variables()) {
            for (double x : v.value().toDoubleArray()) {
                if (!Double.isFinite(x)) {
                    throw new FileFormatException(file, -1, v.name() + " holds " + x + ": the model diverged and can predict nothing");
                }
            }
        }
        return model;
    }

    /** Copies the checkpoint's tensors into the model's variables, by name, naming the options that choose the model's sizes. */
    static void loadWeights(Checkpoint checkpoint, Path file, Model model) throws FileFormatException {
        try {
            checkpoint.restore(model.variables(), file);
        } catch (FileFormatException e) {
            throw new FileFormatException(file, -1, e.getMessage().substring(file.toString().length() + 2) + " (check --model, --hidden and the data set)");
        }
    }

    /**
     * Restores Adam's moments and step count; returns the last complete epoch. The checkpoint's optimizer must be the
     * run's: its state would otherwise be dropped or made up.
     */
    static int restoreOptimizer(Checkpoint checkpoint, Path file, Model model, Optimizer optimizer, String optimizerName) throws FileFormatException {
        Map<String, String> meta = checkpoint.metadata();
        if (!meta.containsKey(EPOCH) || !meta.containsKey(ITERATIONS)) {
            throw new FileFormatException(file, -1, "is not a training checkpoint (no epoch and step count); use --init to start from its weights");
        }
        String saved = savedOptimizer(meta.get(CONFIG));
        if (saved != null && !saved.equals(optimizerName)) {
            throw new FileFormatException(file, -1, "was trained with --optimizer " + saved + ", whose state --optimizer " + optimizerName
                    + " cannot continue; resume with --optimizer " + saved + ", or use --init to start a new optimizer from its weights");
        }
        long iterations = wholeNumber(meta, ITERATIONS, file, 1L << 50);
        int epoch = (int) wholeNumber(meta, EPOCH, file, TrainCommand.MAX_EPOCHS);
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
        optimizer.setIterations(iterations);
        return epoch;
    }

    /** A metadata field that must be a whole number from 0 to {@code max}. */
    private static long wholeNumber(Map<String, String> meta, String field, Path file, long max) throws FileFormatException {
        try {
            long value = Long.parseLong(meta.get(field));
            if (value >= 0 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FileFormatException(file, -1, "metadata field '" + field + "' is '" + meta.get(field) + "', not a whole number from 0 to " + max);
    }

    /** The optimizer named in a checkpoint's settings, or null for a checkpoint without them. */
    private static String savedOptimizer(String config) {
        try {
            com.google.gson.JsonElement name = config == null ? null : com.google.gson.JsonParser.parseString(config).getAsJsonObject().get("optimizer");
            return name == null || !name.isJsonPrimitive() ? null : name.getAsString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
