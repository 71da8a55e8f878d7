package dev.scratchnet.models;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network together with what rebuilds it (its {@link Spec}): the unit that is saved, loaded and asked for
 * predictions. A checkpoint holds the variables under their names and the spec in its metadata, so that
 * {@code Model.load(path)} needs nothing else:
 * <pre>{@code
 * Model model = Model.load(Path.of("model.safetensors"));
 * Tensor probabilities = model.predict(images);     // [n, 10], each row summing to 1
 * }</pre>
 *
 * <p>Thread safety: once trained, a model may serve {@link #predict} and {@link #logits} to any number of threads at
 * once, with the same results as one thread. Training it while other threads predict is not safe; give them a
 * {@link #copy()} taken between steps instead, or read single variables, whose values never change once read (see
 * {@link Variable}).
 */
public final class Model {
    /** The rows predicted in one pass, so that large inputs stay within memory. */
    private static final int PREDICT_BATCH = 1000;
    private static final String FORMAT = "scratchnet";

    private final Spec spec;
    private final Layer network;

    /**
     * What builds a model: its kind, the number of inputs (pixels; a square image for the CNN), the hidden layer's
     * width, the number of classes and the dropout rate (used only in training).
     *
     * @param kind    the architecture
     * @param inputs  inputs per example, at least 1
     * @param hidden  the hidden layer's width, at least 1
     * @param classes the number of classes, at least 1
     * @param dropout the dropout rate, in [0, 1)
     */
    public record Spec(Models.Kind kind, int inputs, int hidden, int classes, double dropout) {
        /**
         * Checks the sizes; the CNN's are checked when it is built.
         *
         * @param kind the architecture
         * @param inputs the inputs
         * @param hidden the hidden layer's width
         * @param classes the number of classes
         * @param dropout the dropout rate, in [0, 1)
         */
        public Spec {
            if (kind == null || inputs < 1 || hidden < 1 || classes < 1 || !(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("model: need a kind, inputs, hidden and classes of at least 1 and a dropout rate in [0, 1), got "
                        + kind + ", " + inputs + ", " + hidden + ", " + classes + ", " + dropout);
            }
        }

        /**
         * The model of this spec with fresh weights drawn from {@code seed}.
         *
         * @param seed the seed of the initial weights (and of dropout)
         * @return a new, untrained model
         */
        public Model build(long seed) {
            return new Model(this, Models.build(kind, inputs, hidden, classes, dropout, Generator.fromSeed(seed)));
        }
    }

    private Model(Spec spec, Layer network) {
        this.spec = spec;
        this.network = network;
    }

    /**
     * A model read from a checkpoint that {@link #save} (or {@code scratchnet train --save}) wrote; a checkpoint of bare
     * weights named W1, b1, W2, b2 is read as the chapter's network.
     *
     * @param file a {@code .safetensors} or {@code .npz} file
     * @return the model, with the checkpoint's weights
     * @throws IOException when the file cannot be read or does not hold a model
     */
    public static Model load(Path file) throws IOException {
        return fromCheckpoint(Checkpoint.load(file), file);
    }

    /**
     * The model a checkpoint already read holds.
     *
     * @param checkpoint the tensors and metadata
     * @param file       the checkpoint's file, named in errors
     * @return the model, with the checkpoint's weights
     * @throws FileFormatException when the checkpoint does not describe a model or its tensors do not fit it
     */
    public static Model fromCheckpoint(Checkpoint checkpoint, Path file) throws FileFormatException {
        Spec spec = specOf(checkpoint, file);
        long declared = Models.parameterCount(spec.kind(), spec.inputs(), spec.hidden(), spec.classes());
        long held = checkpoint.tensors().entrySet().stream().filter(e -> !e.getKey().startsWith("adam."))
                .mapToLong(e -> e.getValue().size()).sum();
        if (declared > held) {
            throw new FileFormatException(file, -1, "metadata declares a " + spec.kind() + " model (inputs " + spec.inputs() + ", hidden "
                    + spec.hidden() + ", classes " + spec.classes() + ") of " + declared + " parameters, but the file holds only " + held + " values");
        }
        Model model;
        try {
            model = spec.build(0);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, -1, "metadata describes a model that cannot be built: " + e.getMessage());
        }
        checkpoint.restore(model.variables(), file);
        return model;
    }

    private static Spec specOf(Checkpoint checkpoint, Path file) throws FileFormatException {
        Map<String, String> meta = checkpoint.metadata();
        if (!meta.containsKey("model")) {
            Tensor w1 = checkpoint.require("W1", file), w2 = checkpoint.require("W2", file);
            if (w1.rank() != 2 || w2.rank() != 2) {
                throw new FileFormatException(file, -1, "W1 " + w1.shape() + " and W2 " + w2.shape() + " are not matrices");
            }
            return new Spec(Models.Kind.chapter, w1.dim(0), w1.dim(1), w2.dim(1), 0);
        }
        Models.Kind kind;
        try {
            kind = Models.Kind.valueOf(meta.get("model"));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, -1, "metadata field 'model' is '" + meta.get("model") + "', not one of chapter, mlp, cnn");
        }
        double dropout = number(meta, "dropout", file, 0, 0.999999);
        return new Spec(kind, (int) number(meta, "inputs", file, 1, 1 << 24), (int) number(meta, "hidden", file, 1, 1 << 20),
                (int) number(meta, "classes", file, 1, 1 << 20), dropout);
    }

    /** A number from the metadata, checked to lie in [min, max]; integral unless {@code max} is fractional. */
    private static double number(Map<String, String> meta, String field, Path file, double min, double max) throws FileFormatException {
        String text = meta.get(field);
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NullPointerException | NumberFormatException e) {
            throw new FileFormatException(file, -1, "metadata field '" + field + "' is " + (text == null ? "missing" : "'" + text + "', not a number"));
        }
        boolean integral = max == Math.rint(max);
        if (!(value >= min && value <= max) || (integral && value != Math.rint(value))) {
            throw new FileFormatException(file, -1, "metadata field '" + field + "' is " + text + ", outside " + (integral ? "the whole numbers " : "")
                    + (long) min + " to " + (integral ? String.valueOf((long) max) : "1"));
        }
        return value;
    }

    /** @return what builds this model */
    public Spec spec() {
        return spec;
    }

    /** @return the network itself, for training loops */
    public Layer network() {
        return network;
    }

    /** @return the trainable variables, in the network's order */
    public List<Variable> variables() {
        return network.variables();
    }

    /**
     * The network's output before the softmax, computed {@value #PREDICT_BATCH} rows at a time.
     *
     * @param inputs a batch of examples: {@code [n, inputs]} or any shape {@code [n, ...]} whose rows hold
     *               {@code inputs} values; float values as the model was trained on them (pixels in 0..1), or uint8
     *               pixels (0..255, divided by 255 here)
     * @return float32 logits of shape {@code [n, classes]}
     */
    public Tensor logits(Tensor inputs) {
        if (inputs.rank() < 1 || inputs.dim(0) == 0 || inputs.size() / inputs.dim(0) != spec.inputs()) {
            throw new IllegalArgumentException("model: takes a batch of rows of " + spec.inputs() + " values, got shape " + inputs.shape());
        }
        Tensor rows = inputs.reshape(inputs.dim(0), spec.inputs());
        Tensor x = rows.dtype() == DType.UINT8 ? rows.div(255.0) : rows.cast(DType.FLOAT32);
        return Trainer.predict(network, x, PREDICT_BATCH);
    }

    /**
     * The probability of each class for each example: the softmax of {@link #logits}.
     *
     * @param inputs a batch of examples, as {@link #logits} takes them
     * @return float32 probabilities of shape {@code [n, classes]}
     */
    public Tensor predict(Tensor inputs) {
        return Ops.softmax(logits(inputs));
    }

    /**
     * An independent model with the same spec and a copy of the current weights: for threads that predict while
     * this one trains.
     *
     * @return the copy
     */
    public Model copy() {
        Model copy = spec.build(0);
        List<Variable> from = variables(), to = copy.variables();
        for (int i = 0; i < from.size(); i++) {
            to.get(i).assign(from.get(i).value());
        }
        return copy;
    }

    /**
     * The variables under their names and the spec in the metadata, for {@link #save} or for a caller that adds
     * entries of its own (an optimizer's state, say).
     *
     * @return a checkpoint of this model
     */
    public Checkpoint toCheckpoint() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("model", spec.kind().name());
        metadata.put("inputs", Integer.toString(spec.inputs()));
        metadata.put("hidden", Integer.toString(spec.hidden()));
        metadata.put("classes", Integer.toString(spec.classes()));
        metadata.put("dropout", Double.toString(spec.dropout()));
        return new Checkpoint(Checkpoint.of(variables()).tensors(), metadata);
    }

    /**
     * Writes the model to {@code file}, whole or not at all.
     *
     * @param file a {@code .safetensors} or {@code .npz} path
     * @throws IOException when the file cannot be written
     */
    public void save(Path file) throws IOException {
        toCheckpoint().save(file);
    }

    @Override
    public String toString() {
        return "Model " + spec.kind() + " " + spec.inputs() + "-" + spec.hidden() + "-" + spec.classes() + " ("
                + variables().stream().mapToLong(v -> v.shape().size()).sum() + " parameters)";
    }
}
