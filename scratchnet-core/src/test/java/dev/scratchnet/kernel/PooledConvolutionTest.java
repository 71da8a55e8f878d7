package dev.scratchnet.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PooledConvolutionTest {
    /**
     * {n, h, w, c, kh, kw, padTop, padLeft, oh, ow, out}: the CNN's first convolution on enough images for two halves of
     * blocks, three channels with pads that reach past the image, odd output sizes (a last row and column no pooling
     * window covers) with channel counts that are not whole vectors, windows of 6 values, and windows of 8 values (not
     * a multiple of three) with a pad that crops.
     */
    private static final int[][] SHAPES = {
        {20, 28, 28, 1, 3, 3, 1, 1, 28, 28, 32},
        {3, 9, 10, 3, 3, 3, 0, 2, 7, 12, 16},
        {2, 7, 9, 1, 3, 3, 1, 1, 7, 9, 5},
        {2, 6, 6, 1, 2, 3, 0, 1, 5, 6, 32},
        {2, 6, 5, 2, 2, 2, -1, 0, 4, 4, 32},
    };

    /**
     * Convolutions that take Winograd's way, whose forward pass pools its blocks of outputs: the CNN's second convolution,
     * odd output sizes (tiles cut by the image's edges, which no pooling window covers) with 20 channels out (a vector
     * and a part of one), and windows inside the image (VALID) with 24 channels in (a chunk and a part of one).
     */
    private static final int[][] WINOGRAD_SHAPES = {
        {3, 14, 14, 32, 3, 3, 1, 1, 14, 14, 64},
        {2, 7, 9, 16, 3, 3, 1, 1, 7, 9, 20},
        {2, 8, 8, 24, 3, 3, 0, 0, 6, 6, 16},
    };

    @AfterEach
    void restore() {
        Kernels.useVectorized(true);
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void takesSmallWindowsAndTwoByTwoPooling() {
        assertTrue(PooledConvolution.hasFilterGradient(geometry(SHAPES[0]), 32, 2), "the CNN's first convolution");
        assertTrue(PooledConvolution.hasFilterGradient(geometry(SHAPES[1]), 8, 2), "3x3 windows of three channels");
        Convolution.Geometry second = new Convolution.Geometry(1, 14, 14, 32, 3, 3, 1, 1, 14, 14);
        assertTrue(PooledConvolution.applies(second, 64, 2), "the second convolution, by Winograd's way");
        assertFalse(PooledConvolution.hasFilterGradient(second, 64, 2), "its filters' gradient is the convolution's");
        Convolution.Geometry narrow = new Convolution.Geometry(1, 14, 14, 8, 3, 3, 1, 1, 14, 14);
        assertFalse(PooledConvolution.applies(narrow, 64, 2), "too few channels for Winograd's way");
        assertFalse(PooledConvolution.applies(geometry(SHAPES[0]), 32, 3), "3x3 pooling");
    }

    /** The pooled outputs and their places: the windows' product then max pooling, to the bit, on both kernel paths. */
    @Test
    void isTheConvolutionThenItsPooling() {
        for (boolean vectorized : new boolean[] {true, false}) {
            Kernels.useVectorized(vectorized);
            for (int[] s : java.util.stream.Stream.concat(Arrays.stream(SHAPES), Arrays.stream(WINOGRAD_SHAPES)).toList()) {
                Convolution.Geometry g = geometry(s);
                int out = s[10], ph = g.oh() / 2, pw = g.ow() / 2;
                assertTrue(PooledConvolution.applies(g, out, 2), Arrays.toString(s));
                float[] x = RandomFloats.uniform(g.n() * g.h() * g.w() * g.c() + 3, 1), f = RandomFloats.uniform(g.windowSize() * out + 5, 2), bias = RandomFloats.uniform(out + 2, 3);
                float[] convolved = new float[g.windows() * out], expected = new float[g.n() * ph * pw * out];
                int[] expectedFrom = new int[expected.length];
                Convolution.forward(x, 3, g, f, 5, bias, 2, out, convolved);
                Kernels.loops().maxPool(convolved, 0, g.n(), g.oh(), g.ow(), out, 2, 2, ph, pw, expectedFrom, expected);
                float[] y = new float[expected.length];
                int[] from = new int[expected.length];
                PooledConvolution.forward(x, 3, g, f, 5, bias, 2, out, y, from);
                String where = Arrays.toString(s) + (vectorized ? " vector" : " scalar");
                assertArrayEquals(expected, y, where);
                assertArrayEquals(expectedFrom, from, where + ": the winners' places");
                float[] alone = new float[expected.length];
                PooledConvolution.forward(x, 3, g, f, 5, bias, 2, out, alone, null);
                assertArrayEquals(expected, alone, where + ": the maxima alone");
                PooledConvolution.forward(x, 3, g, f, 5, null, 0, out, y, from);
                Convolution.forward(x, 3, g, f, 5, null, 0, out, convolved);
                Kernels.loops().maxPool(convolved, 0, g.n(), g.oh(), g.ow(), out, 2, 2, ph, pw, expectedFrom, expected);
                assertArrayEquals(expected, y, where + " without a bias");
            }
        }
    }

    /** Zero filters: every window's four outputs are its bias, and the first of them wins, on both ways and both paths. */
    @Test
    void equalOutputsGiveTheFirstPlace() {
        for (boolean vectorized : new boolean[] {true, false}) {
            Kernels.useVectorized(vectorized);
            for (int[] s : new int[][] {SHAPES[0], WINOGRAD_SHAPES[0]}) {
                Convolution.Geometry g = geometry(s);
                int out = s[10], ph = g.oh() / 2, pw = g.ow() / 2, pooled = g.n() * ph * pw * out;
                float[] bias = RandomFloats.uniform(out, 4), y = new float[pooled];
                int[] from = new int[pooled];
                PooledConvolution.forward(RandomFloats.uniform(g.n() * g.h() * g.w() * g.c(), 5), 0, g, new float[g.windowSize() * out], 0, bias, 0,
                        out, y, from);
                for (int i = 0; i < pooled; i++) {
                    int window = i / out, ch = i % out, image = window / (ph * pw), py = window % (ph * pw) / pw, px = window % pw;
                    assertTrue(y[i] == bias[ch] && from[i] == ((image * g.oh() + 2 * py) * g.ow() + 2 * px) * out + ch,
                            Arrays.toString(s) + (vectorized ? " vector" : " scalar") + " at " + i);
                }
            }
        }
    }

    /**
     * The filters' gradient against the float64 sum, over the pooled outputs, of the gradient times the winner's
     * window: off by rounding alone, within a few times float32's epsilon times the sum of the terms' sizes.
     */
    @Test
    void filtersGradientIsTheWinnersWindowsSumUpToRounding() {
        for (int[] s : SHAPES) {
            Convolution.Geometry g = geometry(s);
            int out = s[10], pooled = g.n() * (g.oh() / 2) * (g.ow() / 2) * out;
            float[] x = RandomFloats.uniform(g.n() * g.h() * g.w() * g.c() + 3, 7), f = RandomFloats.uniform(g.windowSize() * out, 8), dy = RandomFloats.uniform(pooled + 4, 9);
            float[] y = new float[pooled];
            int[] from = new int[pooled];
            PooledConvolution.forward(x, 3, g, f, 0, null, 0, out, y, from);
            double[] exact = new double[g.windowSize() * out], size = new double[exact.length];
            for (int i = 0; i < pooled; i++) {
                int winner = from[i], window = winner / out, o = winner % out;
                int image = window / (g.oh() * g.ow()), oy = window % (g.oh() * g.ow()) / g.ow(), ox = window % g.ow();
                for (int a = 0; a < g.kh(); a++) {
                    for (int b = 0; b < g.kw(); b++) {
                        int iy = oy + a - g.padTop(), ix = ox + b - g.padLeft();
                        for (int ch = 0; iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() && ch < g.c(); ch++) {
                            double term = (double) x[3 + ((image * g.h() + iy) * g.w() + ix) * g.c() + ch] * dy[4 + i];
                            int t = ((a * g.kw() + b) * g.c() + ch) * out + o;
                            exact[t] += term;
                            size[t] += Math.abs(term);
                        }
                    }
                }
            }
            float[] df = new float[exact.length];
            Arrays.fill(df, Float.NaN);
            PooledConvolution.filterGradient(x, 3, g, dy, 4, from, out, df);
            for (int i = 0; i < df.length; i++) {
                if (!(Math.abs(df[i] - exact[i]) <= 8 * Math.ulp(1f) * size[i])) {
                    fail(Arrays.toString(s) + ": filters' gradient " + i + " is " + df[i] + ", the sum " + exact[i] + " (terms' sizes " + size[i] + ")");
                }
            }
        }
    }

    @Test
    void givesTheSameBitsOnBothPathsAndAnyThreadCount() {
        for (int[] s : SHAPES) {
            Convolution.Geometry g = geometry(s);
            int out = s[10], pooled = g.n() * (g.oh() / 2) * (g.ow() / 2) * out;
            float[] x = RandomFloats.uniform(g.n() * g.h() * g.w() * g.c(), 4), f = RandomFloats.uniform(g.windowSize() * out, 5), bias = RandomFloats.uniform(out, 6);
            float[] dy = RandomFloats.uniform(pooled, 7), reference = null, referenceGradient = null;
            for (boolean vectorized : new boolean[] {true, false}) {
                Kernels.useVectorized(vectorized);
                for (int threads : new int[] {1, 2, 5}) {
                    Parallel.setThreads(threads);
                    String where = Arrays.toString(s) + (vectorized ? " vector" : " scalar") + " on " + threads + " threads";
                    float[] y = new float[pooled], df = new float[g.windowSize() * out];
                    int[] from = new int[pooled];
                    PooledConvolution.forward(x, 0, g, f, 0, bias, 0, out, y, from);
                    PooledConvolution.filterGradient(x, 0, g, dy, 0, from, out, df);
                    reference = reference == null ? y : reference;
                    referenceGradient = referenceGradient == null ? df : referenceGradient;
                    assertArrayEquals(reference, y, where);
                    assertArrayEquals(referenceGradient, df, where + ": the filters' gradient");
                }
            }
        }
    }

    private static Convolution.Geometry geometry(int[] s) {
        return new Convolution.Geometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
    }
}
