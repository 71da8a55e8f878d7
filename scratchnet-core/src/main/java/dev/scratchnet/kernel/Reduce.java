package dev.scratchnet.kernel;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Reductions over any set of axes. The plan iterates over the input's shape with operands (in, out), where
 * the output has the input's rank with 1 on the reduced axes; {@code out} must hold the reduction's identity
 * (0 for a sum, -infinity for a max) before the call.
 */
public final class Reduce {
    private Reduce() {
    }

    public static void accumulate(BroadcastPlan p, double[] in, int inOff, double[] out, DoubleBinaryOperator f) {
        int len = p.runLength(), os = p.step(1);
        for (BroadcastPlan.Cursor c = p.cursor(); c.next(); ) {
            int ii = inOff + c.offset(0), oi = c.offset(1);
            for (int k = 0; k < len; k++) {
                out[oi + k * os] = f.applyAsDouble(out[oi + k * os], in[ii + k]);
            }
        }
    }

    public static void accumulate(BroadcastPlan p, long[] in, long[] out, LongBinaryOperator f) {
        int len = p.runLength(), os = p.step(1);
        for (BroadcastPlan.Cursor c = p.cursor(); c.next(); ) {
            int ii = c.offset(0), oi = c.offset(1);
            for (int k = 0; k < len; k++) {
                out[oi + k * os] = f.applyAsLong(out[oi + k * os], in[ii + k]);
            }
        }
    }

    /**
     * For {@code x} seen as [outer, n, inner], the index of the largest value along the middle axis for each
     * (outer, inner) pair; the first index wins ties, and a NaN counts as the largest.
     */
    public static void argmax(double[] x, int outer, int n, int inner, long[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                int best = 0;
                double bestValue = n == 0 ? 0 : x[base];
                for (int j = 1; j < n && !Double.isNaN(bestValue); j++) {
                    double v = x[base + j * inner];
                    if (v > bestValue || Double.isNaN(v)) {
                        best = j;
                        bestValue = v;
                    }
                }
                out[o * inner + i] = best;
            }
        }
    }
}
