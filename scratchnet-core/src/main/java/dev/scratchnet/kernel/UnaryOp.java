package dev.scratchnet.kernel;

import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * The element-wise functions of one argument, defined on doubles (float32 rounds the double result) and on longs
 * for integer dtypes (null where integers are not supported). {@code exact} marks those whose float32 result is
 * the correctly rounded one, which vector code can then compute a vector at a time with the same bits.
 */
public enum UnaryOp {
    NEG(x -> -x, x -> -x, true),
    SQUARE(x -> x * x, x -> x * x, true),
    SQRT(Math::sqrt, null, true),
    RELU(x -> Math.max(x, 0), x -> Math.max(x, 0), true),
    EXP(Math::exp, null, false),
    LOG(Math::log, null, false),
    SIGMOID(x -> 1 / (1 + Math.exp(-x)), null, false),
    TANH(Math::tanh, null, false);

    public final DoubleUnaryOperator onDoubles;
    public final LongUnaryOperator onLongs;
    public final boolean exact;

    UnaryOp(DoubleUnaryOperator onDoubles, LongUnaryOperator onLongs, boolean exact) {
        this.onDoubles = onDoubles;
        this.onLongs = onLongs;
        this.exact = exact;
    }
}
