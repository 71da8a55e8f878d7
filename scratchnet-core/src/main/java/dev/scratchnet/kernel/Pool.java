package dev.scratchnet.kernel;

import java.util.Arrays;

/**
 * Max pooling over NHWC windows laid out by an {@link Im2Col#indexMap}: each output remembers where its window's
 * largest value is, so that the value is read from there ({@link Gather}) and the gradient goes back there alone.
 * Padding cells never win, and the first of equal maxima does, as in TensorFlow. A cell takes over from the best so
 * far when the larger of the two, as {@code Math.max} has it, differs from the best so far in its bits ({@link #takes}):
 * a greater value, a NaN (which then stays), or +0 after −0. Large batches are split over the cores.
 */
public final class Pool {
    private Pool() {
    }

    /** Whether a cell of value {@code v} takes over from the best so far, {@code best}. */
    public static boolean takes(float best, float v) {
        return Float.floatToRawIntBits(Math.max(best, v)) != Float.floatToRawIntBits(best);
    }

    /** Whether a cell of value {@code v} takes over from the best so far, {@code best}. */
    public static boolean takes(double best, double v) {
        return Double.doubleToRawLongBits(Math.max(best, v)) != Double.doubleToRawLongBits(best);
    }

    /** Whether the value at index {@code a} takes over from the one at index {@code b} (indices into the batch). */
    @FunctionalInterface
    public interface TakesOver {
        boolean at(int a, int b);
    }

    /**
     * For {@code batch} examples of {@code exampleSize} values: {@code from[n, p, ch]} the index into the batch of the
     * largest value among window p's cells in channel ch, or −1 for a window wholly in the padding.
     */
    public static void argmax(int batch, int exampleSize, int[] map, int window, int channels, TakesOver takesOver, int[] from) {
        int positions = map.length / (window * channels);
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            for (int e = batch * part / parts; e < batch * (part + 1) / parts; e++) {
                int first = e * exampleSize;
                for (int pos = 0, o = e * positions * channels; pos < positions; pos++, o += channels) {
                    Arrays.fill(from, o, o + channels, -1);
                    // Window cell by window cell, the channels of each side by side.
                    for (int k = 0, m = pos * window * channels; k < window; k++, m += channels) {
                        for (int ch = 0; ch < channels; ch++) {
                            int src = map[m + ch];
                            if (src >= 0 && (from[o + ch] < 0 || takesOver.at(first + src, from[o + ch]))) {
                                from[o + ch] = first + src;
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * {@link #argmax} for float32 windows that lie wholly inside the image (VALID padding), found by reading the
     * image in place: for each window, cell by cell in row-major order, the channels side by side. The same winners
     * as {@link #argmax}, the first of equal maxima; no index map is read. The maxima themselves go to {@code out}, and
     * with {@code from} null only they.
     */
    public static void argmaxValid(float[] in, int off, int batch, int h, int w, int c, int size, int stride, int oh, int ow, int[] from,
                                   float[] out) {
        int exampleSize = h * w * c;
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            float[] best = new float[c];
            for (int e = batch * part / parts; e < batch * (part + 1) / parts; e++) {
                int first = e * exampleSize;
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int o = ((e * oh + y) * ow + x) * c, corner = first + (y * stride * w + x * stride) * c;
                        for (int ch = 0; ch < c; ch++) {
                            best[ch] = in[off + corner + ch];
                            if (from != null) {
                                from[o + ch] = corner + ch;
                            }
                        }
                        for (int i = 0; i < size; i++) {
                            for (int j = i == 0 ? 1 : 0; j < size; j++) {
                                int cell = corner + (i * w + j) * c;
                                for (int ch = 0; ch < c; ch++) {
                                    float v = in[off + cell + ch];
                                    if (takes(best[ch], v)) {
                                        best[ch] = v;
                                        if (from != null) {
                                            from[o + ch] = cell + ch;
                                        }
                                    }
                                }
                            }
                        }
                        System.arraycopy(best, 0, out, o, c);
                    }
                }
            }
        });
    }

    /**
     * The gradient of max pooling: {@code dx} zero but {@code dx[from[i]] += dy[i]} for the {@code batch} examples'
     * outputs (each example's cells lie in its own part of {@code dx}, so examples run side by side).
     */
    public static void maxGradient(float[] dy, int dyOff, int batch, int[] from, float[] dx) {
        int perExample = batch == 0 ? 0 : from.length / batch, exampleSize = batch == 0 ? 0 : dx.length / batch;
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            Arrays.fill(dx, batch * part / parts * exampleSize, batch * (part + 1) / parts * exampleSize, 0f);
            for (int i = batch * part / parts * perExample, end = batch * (part + 1) / parts * perExample; i < end; i++) {
                if (from[i] >= 0) {
                    dx[from[i]] += dy[dyOff + i];
                }
            }
        });
    }

    /**
     * {@link Loops#maxPoolGradient} cell by cell: for windows {@code size} apart, each cell's gradient is the output's
     * where it won its window, else zero, as are the cells of the rows and columns no window covers. Examples run
     * side by side.
     */
    public static void routeToWinners(float[] dy, int dyOff, int[] from, int batch, int h, int w, int c, int size, int oh, int ow, float[] dx) {
        int exampleSize = h * w * c;
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            for (int e = batch * part / parts; e < batch * (part + 1) / parts; e++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int o = ((e * oh + y) * ow + x) * c, corner = e * exampleSize + (y * w + x) * size * c;
                        for (int i = 0; i < size; i++) {
                            for (int j = 0, cell = corner + i * w * c; j < size; j++, cell += c) {
                                for (int ch = 0; ch < c; ch++) {
                                    dx[cell + ch] = from[o + ch] == cell + ch ? dy[dyOff + o + ch] : 0f;
                                }
                            }
                        }
                    }
                }
                zeroOutsideWindows(dx, e * exampleSize, h, w, c, size, oh, ow);
            }
        });
    }

    /** The cells of one example's rows and columns right of and below the last whole window, set to zero. */
    public static void zeroOutsideWindows(float[] dx, int first, int h, int w, int c, int size, int oh, int ow) {
        for (int y = 0; y < h; y++) {
            int from = y < oh * size ? ow * size : 0;
            Arrays.fill(dx, first + (y * w + from) * c, first + (y + 1) * w * c, 0f);
        }
    }

    public static void maxGradient(double[] dy, int[] from, double[] dx) {
        for (int i = 0; i < from.length; i++) {
            if (from[i] >= 0) {
                dx[from[i]] += dy[i];
            }
        }
    }
}
