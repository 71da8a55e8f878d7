package dev.scratchnet.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * The element-wise functions of two arguments, with their definition on doubles (which, rounded to float,
 * is also the exact float32 result: a double holds the exact sum, product or quotient of two floats closely
 * enough) and on longs for integer dtypes (null where integers are not supported). {@code exact} marks those whose
 * vector form gives the same bits, which vector code then computes a vector at a time.
 */
public enum BinaryOp {
    ADD(Double::sum, Long::sum, true),
    SUB((a, b) -> a - b, (a, b) -> a - b, true),
    MUL((a, b) -> a * b, (a, b) -> a * b, true),
    DIV((a, b) -> a / b, null, true),
    MAXIMUM(Math::max, Math::max, true),
    MINIMUM(Math::min, Math::min, true),
    /** {@code a} to the power {@code b}; on integers, repeated multiplication, for exponents of 0 or more. */
    POW(Math::pow, BinaryOp::integerPower, false),
    /** ReLU's backward step: the gradient {@code a} where the output {@code b} is positive, else 0. */
    RELU_GRAD((g, y) -> y > 0 ? g : 0, null, true);

    public final DoubleBinaryOperator onDoubles;
    public final LongBinaryOperator onLongs;
    public final boolean exact;

    BinaryOp(DoubleBinaryOperator onDoubles, LongBinaryOperator onLongs, boolean exact) {
        this.onDoubles = onDoubles;
        this.onLongs = onLongs;
        this.exact = exact;
    }

    private static long integerPower(long base, long exponent) {
        if (exponent < 0) {
            throw new IllegalArgumentException("pow: integers to negative integer powers are not allowed, got exponent " + exponent);
        }
        long result = 1;
        for (long b = base, e = exponent; e > 0; e >>= 1, b *= b) {
            if ((e & 1) != 0) {
                result *= b;
            }
        }
        return result;
    }
}
