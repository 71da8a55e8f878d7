package dev.scratchnet.kernel;

import java.util.Arrays;

/**
 * A convolution and the 2x2 max pooling after it, in one pass: only each pooling window's maximum and its place are
 * written, never the convolution's full output, four times the pooled one (6.4 MB for the CNN's first layer at batch 64,
 * 3.2 MB for its second). Two ways. A convolution with few values in a window (a first layer's: 3x3 windows of one
 * channel), whose windows' product would be a matrix product with a shared dimension of 9, far from the machine's peak:
 * each pooling window's four outputs are summed in registers ({@link Loops#convolvePooled}), and the filters' gradient
 * reads the pooled gradient and the places ({@link Loops#pooledFilterGradient}) instead of the gradient routed back to
 * the full output; each image is first copied with its padding into a small buffer, so that every window reads the same
 * offsets. A convolution that takes {@link Winograd}'s way: each 2x2 block of outputs it transforms back is a pooling
 * window ({@link Loops#winogradPooledOutputs}). The outputs are the convolution's then the pooling's to the bit; the
 * filters' gradient of the first way is summed in its own order, on any number of threads the same.
 */
public final class PooledConvolution {
    /**
     * Windows of at most this many values (3x3 windows of three channels) take this way; larger ones give a matrix
     * product with a long enough shared dimension to run near the peak, and the pooling after it costs little in
     * comparison.
     */
    private static final int MAX_WINDOW = 27;
    /** Images summed into one block of the filters' gradient before it is added to the rest. */
    private static final int BLOCK_IMAGES = 8;

    private PooledConvolution() {
    }

    /**
     * Whether {@link #forward} computes this convolution, to {@code out} channels, followed by max pooling over
     * {@code size x size} windows {@code size} apart.
     */
    public static boolean applies(Convolution.Geometry g, int out, int size) {
        return size == 2 && g.oh() >= 2 && g.ow() >= 2 && (g.windowSize() <= MAX_WINDOW || Winograd.applies(g, out));
    }

    /** Whether {@link #filterGradient} computes this one's filters' gradient: where {@link #forward} applies, for few values in a window. */
    public static boolean hasFilterGradient(Convolution.Geometry g, int out, int size) {
        return applies(g, out, size) && g.windowSize() <= MAX_WINDOW;
    }

    /**
     * The pooled convolution {@code y [n, oh / 2, ow / 2, out]} and where each maximum came from, {@code from} (null for
     * none), an index into the convolution's output {@code [n, oh, ow, out]}; the filters {@code [kh, kw, c, out]} from
     * {@code fOff}, the bias (null for none) from {@code biasOff}. Images (or Winograd's tiles) are split over the cores.
     */
    public static void forward(float[] x, int xOff, Convolution.Geometry g, float[] filters, int fOff, float[] bias, int biasOff, int out,
                               float[] y, int[] from) {
        if (g.windowSize() > MAX_WINDOW) {
            Winograd.pooledForward(x, xOff, g, filters, fOff, bias, biasOff, out, y, from);
            return;
        }
        int ph = g.oh() / 2, pw = g.ow() / 2, rowStride = paddedWidth(g) * g.c();
        int[] taps = taps(g);
        Loops loops = Kernels.loops();
        int parts = (long) g.windows() * g.windowSize() * out < MatMul.PARALLEL_THRESHOLD ? 1 : Math.min(g.n(), Parallel.threads());
        Parallel.forEach(parts, part -> {
            float[] padded = Scratch.floats(0, paddedSize(g)), cells = Scratch.floats(1, 4 * ph * pw * out);
            for (int image = g.n() * part / parts, end = g.n() * (part + 1) / parts; image < end; image++) {
                pad(x, xOff, g, image, padded);
                loops.convolvePooled(padded, rowStride, g.c(), taps, filters, fOff, bias, biasOff, out, ph, pw, g.ow(), cells, y,
                        image * ph * pw * out, from, image * g.oh() * g.ow() * out);
            }
        });
    }

    /**
     * The filters' gradient {@code df [kh, kw, c, out]} of {@link #forward} from the pooled output's gradient {@code dy}
     * (from {@code dyOff}) and the winners' places {@code from}: blocks of images summed in two halves of the batch
     * ({@link Convolution#sumInHalves}).
     */
    public static void filterGradient(float[] x, int xOff, Convolution.Geometry g, float[] dy, int dyOff, int[] from, int out, float[] df) {
        int ph = g.oh() / 2, pw = g.ow() / 2, rowStride = paddedWidth(g) * g.c();
        int[] taps = taps(g);
        Loops loops = Kernels.loops();
        boolean inHalves = g.n() >= 2 * BLOCK_IMAGES && (long) g.windows() * g.windowSize() * out >= MatMul.PARALLEL_THRESHOLD;
        Convolution.sumInHalves(g.n(), BLOCK_IMAGES, inHalves, df, (first, count, into) -> {
            float[] padded = Scratch.floats(0, paddedSize(g)), cells = Scratch.floats(1, 4 * ph * pw * out);
            Arrays.fill(into, 0f);
            for (int image = first; image < first + count; image++) {
                pad(x, xOff, g, image, padded);
                loops.pooledFilterGradient(padded, rowStride, g.c(), taps, dy, dyOff + image * ph * pw * out, from, image * ph * pw * out,
                        image * g.oh() * g.ow() * out, out, ph, pw, g.ow(), cells, into);
            }
        });
    }

    /** Where each of a window's values lies in the padded image from the window's corner, in the filters' order. */
    private static int[] taps(Convolution.Geometry g) {
        int c = g.c(), width = paddedWidth(g);
        int[] taps = new int[g.windowSize()];
        for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
                for (int ch = 0; ch < c; ch++) {
                    taps[(i * g.kw() + j) * c + ch] = (i * width + j) * c + ch;
                }
            }
        }
        return taps;
    }

    /** The padded image's width: the pooled windows' columns and the filters' reach. */
    private static int paddedWidth(Convolution.Geometry g) {
        return g.ow() / 2 * 2 + g.kw() - 1;
    }

    private static int paddedSize(Convolution.Geometry g) {
        return (g.oh() / 2 * 2 + g.kh() - 1) * paddedWidth(g) * g.c();
    }

    /** The rows and columns of {@code image} that the pooled windows read, from (−padTop, −padLeft), zeros outside. */
    private static void pad(float[] x, int xOff, Convolution.Geometry g, int image, float[] padded) {
        int c = g.c(), width = paddedWidth(g), rows = g.oh() / 2 * 2 + g.kh() - 1;
        int left = Math.max(0, g.padLeft()), skip = Math.max(0, -g.padLeft()), length = Math.min(g.w() - skip, width - left);
        Arrays.fill(padded, 0, rows * width * c, 0f);
        for (int r = 0; r < rows; r++) {
            int iy = r - g.padTop();
            if (iy >= 0 && iy < g.h() && length > 0) {
                System.arraycopy(x, xOff + ((image * g.h() + iy) * g.w() + skip) * c, padded, (r * width + left) * c, length * c);
            }
        }
    }
}
