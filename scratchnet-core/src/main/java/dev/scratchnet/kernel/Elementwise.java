package dev.scratchnet.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Element-wise loops for float64 and the integer dtypes, which serve precision and bookkeeping rather than speed
 * (float32 has its own in {@link Loops}). Binary loops walk a {@link BroadcastPlan} whose operands are (a, b, out).
 */
public final class Elementwise {
    private Elementwise() {
    }

    public static void map(double[] x, int xOff, double[] out, int n, DoubleUnaryOperator f) {
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsDouble(x[xOff + i]);
        }
    }

    public static void map(long[] x, long[] out, LongUnaryOperator f) {
        for (int i = 0; i < x.length; i++) {
            out[i] = f.applyAsLong(x[i]);
        }
    }

    public static void zip(BroadcastPlan p, double[] a, int aOff, double[] b, int bOff, double[] out, DoubleBinaryOperator f) {
        int len = p.runLength(), as = p.step(0), bs = p.step(1);
        for (BroadcastPlan.Cursor c = p.cursor(); c.next(); ) {
            int ai = aOff + c.offset(0), bi = bOff + c.offset(1), oi = c.offset(2);
            for (int k = 0; k < len; k++) {
                out[oi + k] = f.applyAsDouble(a[ai + k * as], b[bi + k * bs]);
            }
        }
    }

    public static void zip(BroadcastPlan p, long[] a, long[] b, long[] out, LongBinaryOperator f) {
        int len = p.runLength(), as = p.step(0), bs = p.step(1);
        for (BroadcastPlan.Cursor c = p.cursor(); c.next(); ) {
            int ai = c.offset(0), bi = c.offset(1), oi = c.offset(2);
            for (int k = 0; k < len; k++) {
                out[oi + k] = f.applyAsLong(a[ai + k * as], b[bi + k * bs]);
            }
        }
    }
}
