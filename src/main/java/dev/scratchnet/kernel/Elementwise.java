package dev.scratchnet.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Element-wise loops. Each takes the function to apply as a lambda; the loops are small so that the JIT
 * inlines them into the calling op, where the lambda is a constant, and compiles one loop per op.
 * Binary loops walk a {@link BroadcastPlan} whose operands are (a, b, out).
 */
public final class Elementwise {
    private Elementwise() {
    }

    public static void map(float[] x, int xOff, float[] out, int n, FloatUnaryOperator f) {
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsFloat(x[xOff + i]);
        }
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

    public static void zip(BroadcastPlan p, float[] a, int aOff, float[] b, int bOff, float[] out, FloatBinaryOperator f) {
        int len = p.runLength(), as = p.step(0), bs = p.step(1);
        for (BroadcastPlan.Cursor c = p.cursor(); c.next(); ) {
            int ai = aOff + c.offset(0), bi = bOff + c.offset(1), oi = c.offset(2);
            for (int k = 0; k < len; k++) {
                out[oi + k] = f.applyAsFloat(a[ai + k * as], b[bi + k * bs]);
            }
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
