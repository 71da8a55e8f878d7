package dev.scratchnet.kernel;

import java.util.Arrays;

/**
 * Stride-1 2-D convolution of NHWC images, and its filters' gradient, as products of the windows as rows (each
 * window's {@code kh x kw x c} cells in row, column, channel order) with the filters as a {@code [kh·kw·c, out]}
 * matrix: the float32 kernels copy a block of windows at a time into a buffer that stays in the core's cache and
 * multiply it there, rather than write the whole windows matrix to memory and read it back (14 MB for the CNN's
 * second convolution at batch 64). Both kernel paths run the same blocks through {@link MatMul#product}, so they give
 * the same bits, on any number of threads.
 */
public final class Convolution {
    /** A block's buffer holds at most this many floats (256 KB), a fraction of the L2 cache. */
    private static final int BLOCK_FLOATS = 1 << 16;
    /** A block's rows are a multiple of this, so that the product's tiles (5 rows), half tiles (10) and strips (8) fill it. */
    private static final int ROW_MULTIPLE = 40;

    private Convolution() {
    }

    /**
     * Where the windows lie: {@code n} images {@code [h, w, c]}, {@code oh x ow} windows of {@code kh x kw} cells, one
     * cell apart, the first at {@code (−padTop, −padLeft)}; cells outside the image count as zero.
     */
    public record Geometry(int n, int h, int w, int c, int kh, int kw, int padTop, int padLeft, int oh, int ow) {
        /** The values in one window. */
        public int windowSize() {
            return kh * kw * c;
        }

        /** The windows of the whole batch: the rows of the product. */
        public int windows() {
            return n * oh * ow;
        }

        int blockRows() {
            return Math.max(ROW_MULTIPLE, BLOCK_FLOATS / windowSize() / ROW_MULTIPLE * ROW_MULTIPLE);
        }
    }

    /**
     * {@code y [windows, out] = windows · filters + bias}, the filters {@code [kh·kw·c, out]} from {@code fOff}, the
     * bias (null for none) from {@code biasOff}, added to each block of outputs while it is in the cache. The windows
     * are split over the cores in equal shares (each output is the same sum whatever the block it falls in). 3x3
     * filters between 16 channels or more take {@link Winograd}'s way instead, with 2.25 times fewer multiply-adds.
     */
    public static void forward(float[] x, int xOff, Geometry g, float[] filters, int fOff, float[] bias, int biasOff, int out, float[] y) {
        if (Winograd.applies(g, out)) {
            Winograd.forward(x, xOff, g, filters, fOff, bias, biasOff, out, y);
            return;
        }
        int k = g.windowSize(), rows = g.windows(), block = g.blockRows();
        MatMul product = Kernels.matMul();
        Loops loops = Kernels.loops();
        int parts = (long) rows * k * out < MatMul.PARALLEL_THRESHOLD ? 1 : Parallel.threads();
        Parallel.forEach(parts, part -> {
            float[] windows = Scratch.floats(0, block * k);
            for (int first = share(rows, part, parts), end = share(rows, part + 1, parts); first < end; first += block) {
                int count = Math.min(block, end - first);
                copyWindows(x, xOff, g, first, count, windows);
                product.product(windows, 0, k, 1, filters, fOff, out, 1, y, first * out, count, out, k);
                if (bias != null) {
                    loops.addToRows(y, first * out, count, out, bias, biasOff);
                }
            }
        });
    }

    /**
     * {@code df [kh·kw·c, out] = windowsᵀ · dy}, {@code dy [windows, out]} from {@code dyOff}: the sum of one product
     * per block, in two halves ({@link #sumInHalves}). 3x3 filters between 16 channels or more take {@link Winograd}'s
     * way instead.
     */
    public static void filterGradient(float[] x, int xOff, Geometry g, float[] dy, int dyOff, int out, float[] df) {
        if (Winograd.applies(g, out)) {
            Winograd.filterGradient(x, xOff, g, dy, dyOff, out, df);
            return;
        }
        int k = g.windowSize(), rows = g.windows(), block = g.blockRows();
        MatMul product = Kernels.matMul();
        boolean inHalves = rows >= 2 * block && (long) rows * k * out >= MatMul.PARALLEL_THRESHOLD;
        sumInHalves(rows, block, inHalves, df, (first, count, into) -> {
            float[] windows = Scratch.floats(0, block * k);
            copyWindows(x, xOff, g, first, count, windows);
            product.product(windows, 0, 1, k, dy, dyOff + first * out, out, 1, into, 0, k, out, count);
        });
    }

    /** The terms of rows {@code [first, first + count)} of a sum, written over {@code into} (not added to it). */
    @FunctionalInterface
    interface BlockTerms {
        void write(int first, int count, float[] into);
    }

    /**
     * {@code sum} (every element written) as the sum of the terms of {@code rows} rows, a block of at most {@code block}
     * rows at a time. With {@code inHalves}, the rows form two halves, each summed block by block on a core of its own,
     * then added: a cut that depends on the shapes alone, so the sum is the same on any number of threads.
     */
    static void sumInHalves(int rows, int block, boolean inHalves, float[] sum, BlockTerms terms) {
        int halves = inHalves ? 2 : 1;
        float[][] sums = new float[halves][];
        Parallel.forEach(halves, half -> {
            float[] own = half == 0 ? sum : new float[sum.length], partial = new float[sum.length];
            int start = share(rows, half, halves), end = share(rows, half + 1, halves);
            for (int first = start; first < end; first += block) {
                terms.write(first, Math.min(block, end - first), first == start ? own : partial);
                if (first != start) {
                    addTo(own, partial);
                }
            }
            sums[half] = own;
        });
        for (int half = 1; half < halves; half++) {
            addTo(sum, sums[half]);
        }
    }

    /** Where share {@code part} of {@code parts} of {@code rows} rows starts. */
    private static int share(int rows, int part, int parts) {
        return (int) ((long) rows * part / parts);
    }

    private static void addTo(float[] sum, float[] terms) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += terms[i];
        }
    }

    /**
     * Windows {@code [first, first + count)} of the batch into {@code windows}, one row of {@code kh·kw·c} each: a line
     * of windows along the output's row at a time, window row by window row; a window row wholly inside the image is
     * one contiguous copy.
     */
    static void copyWindows(float[] x, int xOff, Geometry g, int first, int count, float[] windows) {
        int c = g.c, k = g.windowSize(), perImage = g.oh * g.ow, rowLength = g.kw * c;
        for (int window = first, end = first + count; window < end; ) {
            int image = window / perImage, oy = window % perImage / g.ow, ox0 = window % g.ow;
            int ox1 = Math.min(g.ow, ox0 + end - window);
            int base = xOff + image * g.h * g.w * c, line = (window - first) * k;
            // The windows whose row lies wholly inside the image's width: ox − padLeft in [0, w − kw].
            int inside0 = Math.max(ox0, Math.min(ox1, g.padLeft)), inside1 = Math.max(inside0, Math.min(ox1, g.w - g.kw + g.padLeft + 1));
            for (int a = 0; a < g.kh; a++) {
                int iy = oy + a - g.padTop, d = line + a * rowLength;
                if (iy < 0 || iy >= g.h) {
                    for (int ox = ox0; ox < ox1; ox++) {
                        Arrays.fill(windows, d + (ox - ox0) * k, d + (ox - ox0) * k + rowLength, 0f);
                    }
                    continue;
                }
                int rowStart = base + iy * g.w * c;
                for (int ox = ox0; ox < inside0; ox++) {
                    cellByCell(x, rowStart, ox - g.padLeft, g, windows, d + (ox - ox0) * k);
                }
                copyRows(x, rowStart + (inside0 - g.padLeft) * c, c, windows, d + (inside0 - ox0) * k, k, rowLength, inside1 - inside0);
                for (int ox = inside1; ox < ox1; ox++) {
                    cellByCell(x, rowStart, ox - g.padLeft, g, windows, d + (ox - ox0) * k);
                }
            }
            window += ox1 - ox0;
        }
    }

    /** One window row that reaches past the image's left or right side, from column {@code left}: zeros outside. */
    private static void cellByCell(float[] x, int rowStart, int left, Geometry g, float[] windows, int d) {
        int c = g.c;
        for (int b = 0; b < g.kw; b++) {
            int ix = left + b;
            if (ix < 0 || ix >= g.w) {
                Arrays.fill(windows, d + b * c, d + (b + 1) * c, 0f);
            } else {
                copyRows(x, rowStart + ix * c, c, windows, d + b * c, c, c, 1);
            }
        }
    }

    /**
     * {@code rows} runs of {@code length} values, {@code fromStep} apart in {@code from} and {@code toStep} apart in
     * {@code to}. Short runs (a window row of one channel) are copied value by value down the rows, where a call or a
     * loop per run of three values cost more than the copy.
     */
    private static void copyRows(float[] from, int fromOff, int fromStep, float[] to, int toOff, int toStep, int length, int rows) {
        if (length >= 16) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(from, fromOff + r * fromStep, to, toOff + r * toStep, length);
            }
        } else {
            for (int t = 0; t < length; t++) {
                for (int r = 0, f = fromOff + t, d = toOff + t; r < rows; r++, f += fromStep, d += toStep) {
                    to[d] = from[f];
                }
            }
        }
    }

    /** The float64 convolution, for gradient checks: the whole windows matrix, the plain product, then the bias (or null). */
    public static void forward(double[] x, int xOff, Geometry g, double[] filters, int fOff, double[] bias, int out, double[] y) {
        MatMul.matmul(windows(x, xOff, g), 0, filters, fOff, y, g.windows(), out, g.windowSize(), false, false);
        for (int i = 0; bias != null && i < y.length; i++) {
            y[i] += bias[i % out];
        }
    }

    /** The float64 filters' gradient, for gradient checks. */
    public static void filterGradient(double[] x, int xOff, Geometry g, double[] dy, int dyOff, int out, double[] df) {
        MatMul.matmul(windows(x, xOff, g), 0, dy, dyOff, df, g.windowSize(), out, g.windows(), true, false);
    }

    private static double[] windows(double[] x, int xOff, Geometry g) {
        int[] map = Im2Col.indexMap(g.h, g.w, g.c, g.kh, g.kw, 1, 1, g.oh, g.ow, g.padTop, g.padLeft);
        double[] windows = new double[g.n * map.length];
        Im2Col.gather(x, xOff, g.n, g.h * g.w * g.c, map, 0, windows);
        return windows;
    }
}
