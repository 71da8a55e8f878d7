package dev.scratchnet.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * The element-wise functions of two arguments, with their definition on doubles (which, rounded to float,
 * is also the exact float32 result: a double holds the exact sum, product or quotient of two floats closely
 * enough) and on longs for integer dtypes (null where integers are not supported).
 */
public enum BinaryOp {
    ADD(Double::sum, Long::sum),
    SUB((a, b) -> a - b, (a, b) -> a - b),
    MUL((a, b) -> a * b, (a, b) -> a * b),
    DIV((a, b) -> a / b, null),
    MAXIMUM(Math::max, Math::max),
    MINIMUM(Math::min, Math::min),
    /** ReLU's backward step: the gradient {@code a} where the output {@code b} is positive, else 0. */
    RELU_GRAD((g, y) -> y > 0 ? g : 0, null);

    public final DoubleBinaryOperator onDoubles;
    public final LongBinaryOperator onLongs;

    BinaryOp(DoubleBinaryOperator onDoubles, LongBinaryOperator onLongs) {
        this.onDoubles = onDoubles;
        this.onLongs = onLongs;
    }
}
