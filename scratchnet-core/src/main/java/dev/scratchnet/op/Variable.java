package dev.scratchnet.op;

import dev.scratchnet.tensor.Storage;

/**
 * A named, mutable holder of a tensor, like {@code tf.Variable}: the model's parameters. A variable is an
 * {@link Operand}, so ops take it wherever they take a tensor, and a {@code GradientTape} watches every trainable
 * variable that an op reads while it records.
 *
 * <p>The variable owns its values. {@link #assign} and friends install new values and leave tensors read
 * earlier unchanged; optimizers instead update {@link #storage()} in place, for speed, so a tensor read from
 * the variable before an optimizer step sees the new values afterwards.
 */
public final class Variable implements Operand {
    private static int unnamed;

    private final String name;
    private final boolean trainable;
    private Tensor value;
    private float[] gradientBuffer;

    /** A trainable variable holding a copy of {@code initial}. */
    public Variable(Operand initial) {
        this(initial, null, true);
    }

    /** A trainable variable named {@code name} holding a copy of {@code initial}. */
    public Variable(Operand initial, String name) {
        this(initial, name, true);
    }

    public Variable(Operand initial, String name, boolean trainable) {
        this.name = name != null ? name : nextName();
        this.trainable = trainable;
        this.value = copyOf(initial.value());
    }

    private static synchronized String nextName() {
        return "Variable_" + unnamed++;
    }

    private static Tensor copyOf(Tensor t) {
        return Tensor.wrap(t.shape(), Storage.convert(t.data(), t.offset(), t.size(), t.dtype()));
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    @Override
    public Tensor value() {
        return value;
    }

    /** Replaces the values with a copy of {@code newValue}, which must have this variable's shape and dtype. */
    public Variable assign(Operand newValue) {
        Tensor t = newValue.value();
        if (!t.shape().equals(value.shape()) || t.dtype() != value.dtype()) {
            throw new IllegalArgumentException("assign: variable '" + name + "' is " + value.dtype() + value.shape()
                    + " but the new value is " + t.dtype() + t.shape());
        }
        value = copyOf(t);
        return this;
    }

    /** {@code this = this + delta}. */
    public Variable assignAdd(Operand delta) {
        return assign(Ops.add(Ops.stopGradient(value), Ops.stopGradient(delta)));
    }

    /** {@code this = this - delta}. */
    public Variable assignSub(Operand delta) {
        return assign(Ops.sub(Ops.stopGradient(value), Ops.stopGradient(delta)));
    }

    /**
     * The variable's own backing array (dense, from index 0), for optimizers and loaders that update the
     * values in place.
     */
    public Object storage() {
        return value.data();
    }

    /**
     * The float32 array, of this variable's size, that a tape reusing gradient buffers writes this variable's
     * gradient into step after step (see {@code GradientTape.reuseGradientBuffers}); created on first use.
     */
    public float[] gradientBuffer() {
        if (gradientBuffer == null) {
            gradientBuffer = new float[value.size()];
        }
        return gradientBuffer;
    }

    @Override
    public String toString() {
        return "Variable '" + name + "' " + value;
    }
}
