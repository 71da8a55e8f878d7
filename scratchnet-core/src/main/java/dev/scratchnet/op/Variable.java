package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.util.function.Consumer;

/**
 * A named, mutable holder of a tensor, like {@code tf.Variable}: the model's parameters. A variable is an
 * {@link Operand}, so ops take it wherever they take a tensor, and a {@code GradientTape} watches every trainable
 * variable that an op reads while it records.
 *
 * <p>One rule for every update: <b>a tensor read from a variable never changes</b>. {@link #assign} and friends
 * install new values, and every optimizer goes through {@link #updateInPlace}, which writes into the variable's own
 * array only when no tensor read from it can still be held: that is, when every read since the last update was made
 * inside an open training step ({@link StepBuffers#open()}, which promises that nothing computed in the step outlives
 * it). Otherwise the update first copies the array, and the tensors read before keep the old values. So a training
 * loop that opens a step per batch (as {@code Trainer.fit} does) updates in place, with no copy, while a tensor read
 * anywhere else stays a value.
 *
 * <p>Thread safety: reads and updates of one variable are atomic with respect to each other, so a thread may read a
 * variable (and keep the tensor) while another trains it. A set of variables read during training may come from
 * different steps; read between steps for a consistent set.
 */
public final class Variable implements Operand {
    private static int unnamed;

    private final String name;
    private final boolean trainable;
    private Tensor value;
    /** Whether a tensor read from {@link #value} outside a training step may still be held somewhere. */
    private boolean shared;
    private float[] gradientBuffer;

    /**
     * A trainable variable holding a copy of {@code initial}.
     *
     * @param initial the initial value, copied
     */
    public Variable(Operand initial) {
        this(initial, null, true);
    }

    /**
     * A trainable variable named {@code name} holding a copy of {@code initial}.
     *
     * @param initial the initial value, copied
     * @param name the name
     */
    public Variable(Operand initial, String name) {
        this(initial, name, true);
    }

    /**
     * A variable holding a copy of {@code initial}; a tape watches it only if it is trainable.
     *
     * @param initial the initial value, copied
     * @param name the name
     * @param trainable whether tapes watch it
     */
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

    /**
     * The name, under which checkpoints store the variable.
     *
     * @return the name, under which checkpoints store the variable
     */
    public String name() {
        return name;
    }

    /**
     * Whether tapes watch the variable when an op reads it.
     *
     * @return whether tapes watch the variable when an op reads it
     */
    public boolean trainable() {
        return trainable;
    }

    /** The current values: a tensor that no later update of this variable changes. */
    @Override
    public synchronized Tensor value() {
        if (!StepBuffers.isOpen()) {
            shared = true;
        }
        return value;
    }

    /**
     * Replaces the values with a copy of {@code newValue}, which must have this variable's shape and dtype.
     *
     * @param newValue the new values
     * @return this variable
     */
    public Variable assign(Operand newValue) {
        Tensor t = newValue.value();
        if (!t.shape().equals(shape()) || t.dtype() != dtype()) {
            throw new IllegalArgumentException("assign: variable '" + name + "' is " + dtype() + shape()
                    + " but the new value is " + t.dtype() + t.shape());
        }
        Tensor copy = copyOf(t);
        synchronized (this) {
            value = copy;
            shared = false;
        }
        return this;
    }

    /**
     * {@code this = this + delta}.
     *
     * @param delta the step between values
     * @return {@code this = this + delta}
     */
    public Variable assignAdd(Operand delta) {
        return assign(Ops.add(Ops.stopGradient(value), Ops.stopGradient(delta)));
    }

    /**
     * {@code this = this - delta}.
     *
     * @param delta the step between values
     * @return {@code this = this - delta}
     */
    public Variable assignSub(Operand delta) {
        return assign(Ops.sub(Ops.stopGradient(value), Ops.stopGradient(delta)));
    }

    @Override
    public synchronized DType dtype() {
        return value.dtype();
    }

    @Override
    public synchronized Shape shape() {
        return value.shape();
    }

    /**
     * Runs {@code update} on the variable's own backing array (dense, from index 0), which it may change in place:
     * how optimizers update. If a tensor read from the variable may still be held, the array is copied first, so that
     * the tensor keeps its values (see the class comment).
     *
     * @param update writes the new values into the array it is given
     */
    public synchronized void updateInPlace(Consumer<Object> update) {
        if (shared) {
            value = copyOf(value);
            shared = false;
        }
        update.accept(value.data());
    }

    /**
     * The float32 array, of this variable's size, that a tape reusing gradient buffers writes this variable's
     * gradient into step after step (see {@code GradientTape.reuseGradientBuffers}); created on first use.
     *
     * @return the variable's gradient buffer
     */
    public float[] gradientBuffer() {
        if (gradientBuffer == null) {
            gradientBuffer = new float[shape().size()];
        }
        return gradientBuffer;
    }

    @Override
    public String toString() {
        return "Variable '" + name + "' " + value();
    }
}
