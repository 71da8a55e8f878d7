package dev.scratchnet.op;

/**
 * The check behind {@code train --check-numerics}: while on, every float result of an op, and every gradient a
 * tape computes, is scanned for NaN and infinity, and the first one found stops the computation with an
 * {@link ArithmeticException} naming the op. Off by default, when it costs one static read per op.
 */
public final class NumericsCheck {
    private static boolean enabled;

    private NumericsCheck() {
    }

    /**
     * Turns the check on or off for every op and gradient rule.
     *
     * @param on true to turn it on
     */
    public static void enable(boolean on) {
        enabled = on;
    }

    /**
     * Whether the check is on.
     *
     * @return whether the check is on
     */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Throws if {@code t} holds a NaN or an infinity and the check is on; {@code what} names where it came from.
     *
     * @param what names the checked value in the error
     * @param t the tensor
     */
    public static void check(String what, Tensor t) {
        if (enabled) {
            require(what, t);
        }
    }

    /** Throws if {@code t} holds a NaN or an infinity, whether the check is on or not. */
    static void require(String what, Tensor t) {
        if (!t.dtype().isFloating()) {
            return;
        }
        double[] values = t.toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new ArithmeticException(what + ": " + (Double.isNaN(values[i]) ? "NaN" : "infinity") + " at flat index " + i
                        + " of a tensor of shape " + t.shape());
            }
        }
    }
}
