package dev.scratchnet.kernel;

/**
 * Softmax and cross-entropy over the last axis of a [rows, cols] matrix, computed in double precision and
 * stabilised by subtracting each row's maximum before exponentiating. These matrices are small (a batch of
 * logits), so the float32 ops convert to double and back rather than keep a second copy of this code.
 */
public final class Softmax {
    private Softmax() {
    }

    /** {@code out[r, :] = x[r, :] - logsumexp(x[r, :])}. */
    public static void logSoftmax(double[] x, double[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[base + c]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                max = 0;
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[base + c] - max);
            }
            double logSum = max + Math.log(sum);
            for (int c = 0; c < cols; c++) {
                out[base + c] = x[base + c] - logSum;
            }
        }
    }

    /** {@code out[r, :] = exp(x[r, :]) / sum(exp(x[r, :]))}. */
    public static void softmax(double[] x, double[] out, int rows, int cols) {
        logSoftmax(x, out, rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            out[i] = Math.exp(out[i]);
        }
    }

    /**
     * Sparse softmax cross-entropy: {@code loss[r] = -logp[r, labels[r]]}, with {@code logp} the log-softmax of
     * {@code x}, which the caller keeps for the gradient. Labels must already be checked to lie in {@code [0, cols)}.
     */
    public static void sparseCrossEntropy(double[] x, long[] labels, double[] logp, double[] loss, int rows, int cols) {
        logSoftmax(x, logp, rows, cols);
        for (int r = 0; r < rows; r++) {
            loss[r] = -logp[r * cols + (int) labels[r]];
        }
    }

    /**
     * The gradient of {@link #sparseCrossEntropy} by the logits, in one pass: {@code out[r, c] = dy[r] · (softmax[r, c]
     * - (c == labels[r] ? 1 : 0))}, the softmax taken from the forward's {@code logp}. With {@code float32} every step
     * is rounded to float32, giving the bits of the same formula computed with float32 ops.
     */
    public static void sparseCrossEntropyGradient(double[] logp, long[] labels, double[] dy, double[] out, int rows, int cols, boolean float32) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0, i = r * cols; c < cols; c++, i++) {
                double p = Math.exp(logp[i]);
                double diff = (float32 ? (float) p : p) - (c == labels[r] ? 1 : 0);
                double g = dy[r] * (float32 ? (float) diff : diff);
                out[i] = float32 ? (float) g : g;
            }
        }
    }
}
