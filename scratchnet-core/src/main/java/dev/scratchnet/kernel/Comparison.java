package dev.scratchnet.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/** The element-wise comparisons, as functions that answer 1 for true and 0 for false, for doubles and longs. */
public enum Comparison {
    EQUAL((a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0),
    NOT_EQUAL((a, b) -> a != b ? 1 : 0, (a, b) -> a != b ? 1 : 0),
    LESS((a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0),
    LESS_EQUAL((a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0),
    GREATER((a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0),
    GREATER_EQUAL((a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0);

    public final DoubleBinaryOperator onDoubles;
    public final LongBinaryOperator onLongs;

    Comparison(DoubleBinaryOperator onDoubles, LongBinaryOperator onLongs) {
        this.onDoubles = onDoubles;
        this.onLongs = onLongs;
    }
}
