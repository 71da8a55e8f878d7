package dev.scratchnet.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class WinogradTest {
    /**
     * {n, h, w, c, padTop, padLeft, oh, ow, out}: the CNN's second convolution and its images' gradient, odd output
     * sizes (a last row and column of half tiles), pads that crop the image or reach two cells past it, channel counts
     * that are not whole vectors, and enough tiles for several blocks on each core.
     */
    private static final int[][] SHAPES = {
        {4, 14, 14, 32, 1, 1, 14, 14, 64},
        {3, 14, 14, 64, 1, 1, 14, 14, 32},
        {2, 9, 7, 24, 2, 0, 11, 5, 48},
        {1, 6, 11, 40, -1, 2, 3, 12, 40},
        {5, 5, 5, 17, 1, 1, 5, 5, 61},
    };

    @AfterEach
    void restore() {
        Kernels.useVectorized(true);
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void takesOnlyThreeByThreeFiltersBetweenManyChannels() {
        assertTrue(Winograd.applies(geometry(1, 14, 14, 32, 3, 3, 1, 1, 14, 14), 64));
        assertTrue(Winograd.applies(geometry(1, 14, 14, 64, 3, 3, 1, 1, 14, 14), 32));
        assertFalse(Winograd.applies(geometry(1, 28, 28, 1, 3, 3, 1, 1, 28, 28), 32), "the CNN's first convolution");
        assertTrue(Winograd.applies(geometry(1, 14, 14, 16, 3, 3, 1, 1, 14, 14), 16));
        assertFalse(Winograd.applies(geometry(1, 14, 14, 8, 3, 3, 1, 1, 14, 14), 64), "8 channels in");
        assertFalse(Winograd.applies(geometry(1, 14, 14, 64, 3, 3, 1, 1, 14, 14), 8), "8 channels out");
        assertFalse(Winograd.applies(geometry(1, 14, 14, 32, 5, 5, 2, 2, 14, 14), 64), "5x5 filters");
    }

    /**
     * Each output against the float64 sum of its window's terms: off by rounding alone, bounded by a small multiple of
     * float32's epsilon times the sum of the terms' sizes (the transforms add up to nine products' worth of terms
     * before the products, so the bound is looser than a plain dot product's).
     */
    @Test
    void isTheConvolutionUpToRounding() {
        for (int[] s : SHAPES) {
            Convolution.Geometry g = geometry(s[0], s[1], s[2], s[3], 3, 3, s[4], s[5], s[6], s[7]);
            int out = s[8];
            assertTrue(Winograd.applies(g, out), Arrays.toString(s));
            float[] x = RandomFloats.uniform(g.n() * g.h() * g.w() * g.c() + 3, 1), f = RandomFloats.uniform(9 * g.c() * out + 5, 2), bias = RandomFloats.uniform(out + 2, 3);
            double[] exact = new double[g.windows() * out], size = new double[exact.length];
            reference(x, 3, g, f, 5, out, exact, size);
            float[] y = new float[exact.length];
            Arrays.fill(y, Float.NaN);
            Convolution.forward(x, 3, g, f, 5, bias, 2, out, y);
            for (int i = 0; i < y.length; i++) {
                double expected = exact[i] + bias[2 + i % out];
                if (!(Math.abs(y[i] - expected) <= 8 * Math.ulp(1f) * (size[i] + Math.abs(bias[2 + i % out])))) {
                    fail(Arrays.toString(s) + ": output " + i + " is " + y[i] + ", the convolution " + expected + " (terms' sizes " + size[i] + ")");
                }
            }
        }
    }

    /** The filters' gradient against the float64 sums over the windows, bounded as {@link #isTheConvolutionUpToRounding}. */
    @Test
    void filtersGradientIsTheWindowsSumUpToRounding() {
        for (int[] s : SHAPES) {
            Convolution.Geometry g = geometry(s[0], s[1], s[2], s[3], 3, 3, s[4], s[5], s[6], s[7]);
            int out = s[8];
            float[] x = RandomFloats.uniform(g.n() * g.h() * g.w() * g.c() + 3, 7), dy = RandomFloats.uniform(g.windows() * out + 4, 8);
            double[] exact = new double[9 * g.c() * out], size = new double[exact.length];
            filtersGradient(x, 3, g, dy, 4, out, exact, size);
            float[] df = new float[exact.length];
            Arrays.fill(df, Float.NaN);
            Convolution.filterGradient(x, 3, g, dy, 4, out, df);
            for (int i = 0; i < df.length; i++) {
                if (!(Math.abs(df[i] - exact[i]) <= 8 * Math.ulp(1f) * size[i])) {
                    fail(Arrays.toString(s) + ": filters' gradient " + i + " is " + df[i] + ", the sum " + exact[i] + " (terms' sizes "
                            + size[i] + ")");
                }
            }
        }
    }

    @Test
    void givesTheSameBitsOnBothPathsAndAnyThreadCount() {
        for (int[] s : SHAPES) {
            Convolution.Geometry g = geometry(s[0], s[1], s[2], s[3], 3, 3, s[4], s[5], s[6], s[7]);
            int out = s[8];
            float[] x = RandomFloats.uniform(g.n() * g.h() * g.w() * g.c(), 4), f = RandomFloats.uniform(9 * g.c() * out, 5), bias = RandomFloats.uniform(out, 6);
            float[] dy = RandomFloats.uniform(g.windows() * out, 7), reference = null, referenceGradient = null;
            for (boolean vectorized : new boolean[] {true, false}) {
                Kernels.useVectorized(vectorized);
                for (int threads : new int[] {1, 2, 5}) {
                    Parallel.setThreads(threads);
                    String where = Arrays.toString(s) + (vectorized ? " vector" : " scalar") + " on " + threads + " threads";
                    float[] y = new float[g.windows() * out], df = new float[9 * g.c() * out];
                    Convolution.forward(x, 0, g, f, 0, bias, 0, out, y);
                    Convolution.filterGradient(x, 0, g, dy, 0, out, df);
                    reference = reference == null ? y : reference;
                    referenceGradient = referenceGradient == null ? df : referenceGradient;
                    assertArrayEquals(reference, y, where);
                    assertArrayEquals(referenceGradient, df, where + ": the filters' gradient");
                }
            }
        }
    }

    /** The convolution in float64, each output with the sum of its terms' sizes. */
    private static void reference(float[] x, int xOff, Convolution.Geometry g, float[] f, int fOff, int out, double[] y, double[] size) {
        forEachCell(g, (pixel, cell, input) -> {
            for (int co = 0; co < out; co++) {
                double term = (double) x[xOff + input] * f[fOff + cell * out + co];
                y[pixel * out + co] += term;
                size[pixel * out + co] += Math.abs(term);
            }
        });
    }

    /** The filters' gradient in float64, each element with the sum of its terms' sizes. */
    private static void filtersGradient(float[] x, int xOff, Convolution.Geometry g, float[] dy, int dyOff, int out, double[] df, double[] size) {
        forEachCell(g, (pixel, cell, input) -> {
            for (int co = 0; co < out; co++) {
                double term = (double) x[xOff + input] * dy[dyOff + pixel * out + co];
                df[cell * out + co] += term;
                size[cell * out + co] += Math.abs(term);
            }
        });
    }

    /** Each output pixel's window cells inside the image, one channel at a time. */
    private interface WindowCell {
        /** Output pixel {@code pixel}'s window cell {@code cell} ((row·3 + column)·c + channel) is the image's element {@code input}. */
        void at(int pixel, int cell, int input);
    }

    private static void forEachCell(Convolution.Geometry g, WindowCell visit) {
        for (int pixel = 0; pixel < g.windows(); pixel++) {
            int n = pixel / (g.oh() * g.ow()), oy = pixel % (g.oh() * g.ow()) / g.ow(), ox = pixel % g.ow();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    int iy = oy + i - g.padTop(), ix = ox + j - g.padLeft();
                    for (int ch = 0; iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() && ch < g.c(); ch++) {
                        visit.at(pixel, (i * 3 + j) * g.c() + ch, ((n * g.h() + iy) * g.w() + ix) * g.c() + ch);
                    }
                }
            }
        }
    }

    private static Convolution.Geometry geometry(int n, int h, int w, int c, int kh, int kw, int padTop, int padLeft, int oh, int ow) {
        return new Convolution.Geometry(n, h, w, c, kh, kw, padTop, padLeft, oh, ow);
    }
}
