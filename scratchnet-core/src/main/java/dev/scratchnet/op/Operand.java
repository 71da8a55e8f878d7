package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;

/**
 * Anything an op accepts: a {@link Tensor} or a {@link Variable}. The methods here are the fluent spelling
 * of the ops in {@link Ops}, so that {@code matmul(x, w1).add(b1)} reads like the Python {@code x @ w1 + b1}.
 */
public sealed interface Operand permits Tensor, Variable {
    /** The current value; for a variable, the tensor it holds now. */
    Tensor value();

    default DType dtype() {
        return value().dtype();
    }

    default Shape shape() {
        return value().shape();
    }

    default Tensor add(Operand other) {
        return Ops.add(this, other);
    }

    default Tensor add(double scalar) {
        return Ops.add(this, Ops.scalarLike(this, scalar));
    }

    default Tensor sub(Operand other) {
        return Ops.sub(this, other);
    }

    default Tensor sub(double scalar) {
        return Ops.sub(this, Ops.scalarLike(this, scalar));
    }

    default Tensor mul(Operand other) {
        return Ops.mul(this, other);
    }

    default Tensor mul(double scalar) {
        return Ops.mul(this, Ops.scalarLike(this, scalar));
    }

    default Tensor div(Operand other) {
        return Ops.div(this, other);
    }

    /** Division by a Java number; integer tensors become floating point first, as in TensorFlow's {@code x / 255.0}. */
    default Tensor div(double scalar) {
        return Ops.div(this, scalar);
    }

    default Tensor neg() {
        return Ops.neg(this);
    }

    default Tensor matmul(Operand other) {
        return Ops.matmul(this, other);
    }

    default Tensor reshape(int... dims) {
        return Ops.reshape(this, dims);
    }

    default Tensor cast(DType dtype) {
        return Ops.cast(this, dtype);
    }
}
