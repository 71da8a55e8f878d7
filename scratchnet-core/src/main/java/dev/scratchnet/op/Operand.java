package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;

/**
 * Anything an op accepts: a {@link Tensor} or a {@link Variable}. The methods here are the instance spelling of the
 * ops in {@link Ops} and {@link Nn}, so that {@code x.matmul(w1).add(b1).relu()} reads like the Python
 * {@code tf.nn.relu(x @ w1 + b1)}. A Java number given to an arithmetic method becomes a scalar of the operand's
 * dtype; a fractional number for an integer tensor is an error, as in TensorFlow.
 */
public sealed interface Operand permits Tensor, Variable {
    /** @return the current value; for a variable, the tensor it holds now */
    Tensor value();

    /** @return the element type */
    default DType dtype() {
        return value().dtype();
    }

    /** @return the dimensions */
    default Shape shape() {
        return value().shape();
    }

    /**
     * @param other the other operand, broadcast against this one
     * @return {@code this + other}
     */
    default Tensor add(Operand other) {
        return Ops.add(this, other);
    }

    /**
     * @param scalar a number of this operand's dtype
     * @return {@code this + scalar}
     */
    default Tensor add(double scalar) {
        return Ops.add(this, Ops.scalarLike(this, scalar));
    }

    /**
     * @param other the other operand, broadcast against this one
     * @return {@code this - other}
     */
    default Tensor sub(Operand other) {
        return Ops.sub(this, other);
    }

    /**
     * @param scalar a number of this operand's dtype
     * @return {@code this - scalar}
     */
    default Tensor sub(double scalar) {
        return Ops.sub(this, Ops.scalarLike(this, scalar));
    }

    /**
     * @param other the other operand, broadcast against this one
     * @return {@code this * other}, element-wise
     */
    default Tensor mul(Operand other) {
        return Ops.mul(this, other);
    }

    /**
     * @param scalar a number of this operand's dtype
     * @return {@code this * scalar}
     */
    default Tensor mul(double scalar) {
        return Ops.mul(this, Ops.scalarLike(this, scalar));
    }

    /**
     * @param other the other operand, broadcast against this one
     * @return {@code this / other}, element-wise (integers divided as floating point)
     */
    default Tensor div(Operand other) {
        return Ops.div(this, other);
    }

    /**
     * Division by a Java number; integer tensors become floating point first, as in TensorFlow's {@code x / 255.0}.
     *
     * @param scalar the divisor
     * @return {@code this / scalar}
     */
    default Tensor div(double scalar) {
        return Ops.div(this, scalar);
    }

    /**
     * @param exponent the other operand, broadcast against this one
     * @return {@code this} to the power {@code exponent}, element-wise
     */
    default Tensor pow(Operand exponent) {
        return Ops.pow(this, exponent);
    }

    /**
     * @param exponent a number of this operand's dtype
     * @return {@code this} to the power {@code exponent}, element-wise
     */
    default Tensor pow(double exponent) {
        return Ops.pow(this, exponent);
    }

    /** @return {@code -this} */
    default Tensor neg() {
        return Ops.neg(this);
    }

    /** @return e to the power of each element */
    default Tensor exp() {
        return Ops.exp(this);
    }

    /** @return the natural logarithm of each element */
    default Tensor log() {
        return Ops.log(this);
    }

    /** @return the square root of each element */
    default Tensor sqrt() {
        return Ops.sqrt(this);
    }

    /** @return each element squared */
    default Tensor square() {
        return Ops.square(this);
    }

    /** @return {@code max(this, 0)}, element-wise */
    default Tensor relu() {
        return Ops.relu(this);
    }

    /** @return the logistic function of each element */
    default Tensor sigmoid() {
        return Ops.sigmoid(this);
    }

    /** @return the hyperbolic tangent of each element */
    default Tensor tanh() {
        return Ops.tanh(this);
    }

    /** @return the softmax over the last axis */
    default Tensor softmax() {
        return Ops.softmax(this);
    }

    /** @return the sum of all elements, a scalar */
    default Tensor sum() {
        return Ops.sum(this);
    }

    /**
     * @param axes the axes to sum over (negative counts from the end); they are removed
     * @return the sums
     */
    default Tensor sum(int... axes) {
        return Ops.sum(this, axes);
    }

    /** @return the mean of all elements, a scalar */
    default Tensor mean() {
        return Ops.mean(this);
    }

    /**
     * @param axes the axes to average over (negative counts from the end); they are removed
     * @return the means
     */
    default Tensor mean(int... axes) {
        return Ops.mean(this, axes);
    }

    /** @return the largest element, a scalar */
    default Tensor max() {
        return Ops.max(this);
    }

    /**
     * @param axis the axis to search (negative counts from the end)
     * @return the int64 index of the largest element along {@code axis}
     */
    default Tensor argmax(int axis) {
        return Ops.argmax(this, axis);
    }

    /**
     * @param other the right-hand matrix (or stack of matrices)
     * @return the matrix product {@code this · other}
     */
    default Tensor matmul(Operand other) {
        return Ops.matmul(this, other);
    }

    /** @return the transpose (for more than two axes, the axes reversed) */
    default Tensor transpose() {
        return Ops.transpose(this);
    }

    /**
     * @param dims the new shape, with at most one -1 to infer
     * @return the same values in the new shape
     */
    default Tensor reshape(int... dims) {
        return Ops.reshape(this, dims);
    }

    /**
     * @param dtype the element type to convert to
     * @return the values converted, as {@code tf.cast}
     */
    default Tensor cast(DType dtype) {
        return Ops.cast(this, dtype);
    }
}
