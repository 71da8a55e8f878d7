package dev.scratchnet.kernel;

/**
 * Softmax and cross-entropy over the last axis of a [rows, cols] matrix, computed in double precision and
 * stabilised by subtracting each row's maximum before exponentiating. These matrices are small (a batch of
 * logits), so the float32 ops convert to double and back rather than keep a second copy of this code.
 */
public final class Softmax {
    private Softmax() {
    }

    /**
     * {@code out[r, :] = x[r, :] - logsumexp(x[r, :])}; {@code out} holds the exponentials meanwhile, so it must not be
     * {@code x}.
     */
    public static void logSoftmax(double[] x, double[] out, int rows, int cols) {
        for (int r = 0, base = 0; r < rows; r++, base += cols) {
            double max = max(x, base, cols);
            double logSum = max + Math.log(shiftedExps(x, base, cols, max, out));
            for (int c = base; c < base + cols; c++) {
                out[c] = x[c] - logSum;
            }
        }
    }

    /** {@code out[r, :] = exp(x[r, :] - max) / sum(exp(x[r, :] - max))}, as TensorFlow computes it. */
    public static void softmax(double[] x, double[] out, int rows, int cols) {
        for (int r = 0, base = 0; r < rows; r++, base += cols) {
            double sum = shiftedExps(x, base, cols, max(x, base, cols), out);
            for (int c = base; c < base + cols; c++) {
                out[c] /= sum;
            }
        }
    }

    /**
     * Sparse softmax cross-entropy: {@code loss[r] = logsumexp(x[r, :]) - x[r, labels[r]]}, with the softmax of
     * {@code x} (as {@link #softmax} gives it) into {@code prob}, which the caller keeps for the gradient: the
     * exponentials are taken once, here. Labels must already be checked to lie in {@code [0, cols)}.
     */
    public static void sparseCrossEntropy(double[] x, long[] labels, double[] prob, double[] loss, int rows, int cols) {
        for (int r = 0, base = 0; r < rows; r++, base += cols) {
            double max = max(x, base, cols);
            double sum = shiftedExps(x, base, cols, max, prob);
            loss[r] = max + Math.log(sum) - x[base + (int) labels[r]];
            for (int c = base; c < base + cols; c++) {
                prob[c] /= sum;
            }
        }
    }

    /** The row's maximum, or 0 where every element is -inf (so that it subtracts to -inf, not NaN). */
    private static double max(double[] x, int base, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = base; c < base + cols; c++) {
            max = Math.max(max, x[c]);
        }
        return max == Double.NEGATIVE_INFINITY ? 0 : max;
    }

    /** {@code out[c] = exp(x[c] - max)} along one row; returns their sum. */
    private static double shiftedExps(double[] x, int base, int cols, double max, double[] out) {
        double sum = 0;
        for (int c = base; c < base + cols; c++) {
            out[c] = Math.exp(x[c] - max);
            sum += out[c];
        }
        return sum;
    }

    /**
     * The gradient of {@link #sparseCrossEntropy} by the logits, in one pass: {@code out[r, c] = dy[r] · (prob[r, c]
     * - (c == labels[r] ? 1 : 0))}, with the forward's softmax {@code prob}. With {@code float32} every step is rounded
     * to float32, giving the bits of the same formula computed with float32 ops.
     */
    public static void sparseCrossEntropyGradient(double[] prob, long[] labels, double[] dy, double[] out, int rows, int cols, boolean float32) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0, i = r * cols; c < cols; c++, i++) {
                double p = prob[i];
                double diff = (float32 ? (float) p : p) - (c == labels[r] ? 1 : 0);
                double g = dy[r] * (float32 ? (float) diff : diff);
                out[i] = float32 ? (float) g : g;
            }
        }
    }
}
