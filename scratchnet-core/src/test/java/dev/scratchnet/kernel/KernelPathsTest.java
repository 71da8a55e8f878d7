package dev.scratchnet.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API kernels give the same bits as the portable ones, on one thread or several, for shapes that
 * fill whole tiles and for the ragged edges.
 */
class KernelPathsTest {
    private final MatMul scalar = new ScalarMatMul();
    private final MatMul vector = new VectorMatMul();
    private final Loops scalarLoops = new ScalarLoops();
    private final Loops vectorLoops = new VectorLoops();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        Kernels.useVectorized(true);
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void theVectorKernelsAreInUse() {
        assertTrue(Kernels.vectorized(), "the tests run with --add-modules jdk.incubator.vector");
    }

    @Property(tries = 60)
    void matmulGivesTheSameBitsOnBothPaths(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 150) int n,
                                           @ForAll @IntRange(min = 0, max = 40) int k, @ForAll boolean transA, @ForAll boolean transB) {
        float[] a = random(m * k + 3, m * 31L + k);
        float[] b = random(k * n + 5, n * 17L + k);
        float[] expected = new float[m * n], got = new float[m * n];
        java.util.Arrays.fill(expected, Float.NaN);   // outputs may be reused buffers: every element must be written
        java.util.Arrays.fill(got, Float.NaN);
        scalar.matmul(a, 3, b, 5, expected, m, n, k, transA, transB);
        vector.matmul(a, 3, b, 5, got, m, n, k, transA, transB);
        assertArrayEquals(expected, got);
        for (float v : got) {
            assertTrue(Float.isFinite(v), "an output element was left unwritten");
        }
    }

    @Test
    void largeProductsAreTheSameOnAnyThreadCountInEveryLayout() {
        // The chapter's products, packed panels split over the cores by panels (with a ragged tail) and, on five
        // threads with four panels, by rows; ragged edges; ten columns (all strips) with a last group of three rows;
        // columns past the panels in whole vectors, read in place (a convolution's weight gradient: few rows, long k).
        // Each as A·B, A·Bᵀ and Aᵀ·B, on 1, 2 and 5 threads, against the portable path.
        int[][] shapes = {{64, 128, 784}, {784, 128, 64}, {300, 1000, 50}, {32, 1030, 100}, {170, 260, 30}, {61, 70, 300}, {515, 10, 600},
            {150, 96, 70}, {9, 32, 5000}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(m * k, 1), b = random(k * n, 2);
            for (int layout = 0; layout < 3; layout++) {
                boolean transA = layout == 2, transB = layout == 1;
                float[] reference = new float[m * n];
                scalar.matmul(a, 0, b, 0, reference, m, n, k, transA, transB);
                for (int threads : new int[] {1, 2, 5}) {
                    Parallel.setThreads(threads);
                    float[] got = new float[m * n];
                    vector.matmul(a, 0, b, 0, got, m, n, k, transA, transB);
                    assertArrayEquals(reference, got, java.util.Arrays.toString(s) + (transA ? " Aᵀ·B" : transB ? " A·Bᵀ" : " A·B") + " on " + threads);
                }
            }
        }
    }

    @Property(tries = 40)
    void aPackedProductIsTheProductOnBothPaths(@ForAll @IntRange(min = 1, max = 4) int panels, @ForAll @IntRange(min = 1, max = 90) int n,
                                              @ForAll @IntRange(min = 1, max = 70) int k) {
        // Panels of ten rows; columns in pairs of vectors, a single vector, then a part of one; chunks of 16 columns of A
        // with a last one part-filled. The packed copy's unused places hold NaN: only A's own elements may be read.
        int m = panels * MatMul.PANEL_ROWS;
        float[] a = random(m * k, n * 7L + k), b = random(k * n + 3, k * 13L + n);
        float[] packed = new float[m * MatMul.packedColumns(k) + 2];
        java.util.Arrays.fill(packed, Float.NaN);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                packed[2 + MatMul.packedIndex(i, p, k)] = a[i * k + p];
            }
        }
        float[] expected = new float[m * n];
        scalar.product(a, 0, k, 1, b, 3, n, 1, expected, 0, m, n, k);
        for (MatMul path : new MatMul[] {scalar, vector}) {
            float[] got = new float[m * n + 1];
            java.util.Arrays.fill(got, Float.NaN);
            path.packedProduct(packed, 2, b, 3, n, got, 1, m, n, k);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 1, got.length), path.getClass().getSimpleName());
        }
    }

    @Test
    void aBatchTimesLargeWeightsAddsTwoHalvesOfTheSharedDimension() {
        int m = 64, n = 128, k = 784, half = 392;
        assertEquals(half, MatMul.splitPoint(m, n, k, false, false));
        assertEquals(0, MatMul.splitPoint(k, n, m, true, false), "the weight gradient is not split");
        assertEquals(0, MatMul.splitPoint(512, 1024, k, false, false), "a partial result this large is not split");
        float[] a = random(m * k, 5), b = random(k * n, 6);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float lower = 0, upper = 0;
                for (int p = 0; p < half; p++) {
                    lower = Math.fma(a[i * k + p], b[p * n + j], lower);
                }
                for (int p = half; p < k; p++) {
                    upper = Math.fma(a[i * k + p], b[p * n + j], upper);
                }
                expected[i * n + j] = lower + upper;
            }
        }
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            float[] viaVectors = new float[m * n], viaScalars = new float[m * n];
            vector.matmul(a, 0, b, 0, viaVectors, m, n, k, false, false);
            scalar.matmul(a, 0, b, 0, viaScalars, m, n, k, false, false);
            assertArrayEquals(expected, viaVectors);
            assertArrayEquals(expected, viaScalars);
        }
    }

    @Test
    void convolutionsAreTheWindowsProductOnBothPathsAndAnyThreadCount() {
        // The CNN's first convolution (several blocks of windows, the last one short), 3x3 filters between too few
        // channels for Winograd's way (WinogradTest has the CNN's second), and 5x3 filters whose pads crop the image on
        // the left and reach two rows past its top and bottom and four columns past its right.
        int[][] shapes = {{16, 28, 28, 1, 3, 3, 1, 1, 28, 28, 32}, {16, 14, 14, 8, 3, 3, 1, 1, 14, 14, 32}, {3, 9, 7, 3, 5, 3, 2, -1, 9, 8, 5}};
        for (int[] s : shapes) {
            int n = s[0], h = s[1], w = s[2], c = s[3], kh = s[4], kw = s[5], padTop = s[6], padLeft = s[7], oh = s[8], ow = s[9], out = s[10];
            Convolution.Geometry g = new Convolution.Geometry(n, h, w, c, kh, kw, padTop, padLeft, oh, ow);
            float[] x = random(n * h * w * c + 7, 11), f = random(g.windowSize() * out + 2, 12), dy = random(g.windows() * out + 4, 13);
            float[] bias = random(out + 1, 14);
            int[] map = Im2Col.indexMap(h, w, c, kh, kw, 1, 1, oh, ow, padTop, padLeft);
            float[] windows = new float[n * map.length];
            Im2Col.gather(x, 7, n, h * w * c, map, 0, windows);
            float[] expected = new float[g.windows() * out];
            scalar.matmul(windows, 0, f, 2, expected, g.windows(), out, g.windowSize(), false, false);
            // The filters' gradient in float64, and the sum of its terms' sizes, which bounds float32's rounding.
            double[] gradient = new double[g.windowSize() * out], size = new double[gradient.length];
            for (int r = 0; r < g.windows(); r++) {
                for (int i = 0; i < g.windowSize(); i++) {
                    for (int o = 0; o < out; o++) {
                        double term = (double) windows[r * g.windowSize() + i] * dy[4 + r * out + o];
                        gradient[i * out + o] += term;
                        size[i * out + o] += Math.abs(term);
                    }
                }
            }
            float[] reference = null;
            for (boolean vectorized : new boolean[] {false, true}) {
                Kernels.useVectorized(vectorized);
                for (int threads : new int[] {1, 2, 5}) {
                    Parallel.setThreads(threads);
                    String where = java.util.Arrays.toString(s) + (vectorized ? " vector" : " scalar") + " on " + threads;
                    float[] y = new float[g.windows() * out], df = new float[g.windowSize() * out];
                    java.util.Arrays.fill(y, Float.NaN);
                    java.util.Arrays.fill(df, Float.NaN);
                    Convolution.forward(x, 7, g, f, 2, null, 0, out, y);
                    assertArrayEquals(expected, y, where + ": the same fused multiply-adds in the same order as the whole product");
                    float[] withBias = new float[y.length];
                    Convolution.forward(x, 7, g, f, 2, bias, 1, out, withBias);
                    for (int i = 0; i < y.length; i++) {
                        assertEquals(y[i] + bias[1 + i % out], withBias[i], 0, where + ": the bias added to output " + i);
                    }
                    Convolution.filterGradient(x, 7, g, dy, 4, out, df);
                    reference = reference == null ? df : reference;
                    assertArrayEquals(reference, df, where + ": the filters' gradient");
                    for (int i = 0; i < df.length; i++) {
                        assertEquals(gradient[i], df[i], 1e-6 * size[i], where + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void matmulAgainstAPlainDotProduct() {
        int m = 5, n = 70, k = 9;
        float[] a = random(m * k, 3), b = random(k * n, 4), c = new float[m * n];
        vector.matmul(a, 0, b, 0, c, m, n, k, false, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int p = 0; p < k; p++) {
                    dot += (double) a[i * k + p] * b[p * n + j];
                }
                assertEquals(dot, c[i * n + j], 1e-4);
            }
        }
    }

    @Property(tries = 30)
    void maxPoolingGivesTheSameWinnersOnBothPaths(@ForAll @IntRange(min = 1, max = 70) int channels, @ForAll @IntRange(min = 2, max = 3) int size,
                                                  @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll boolean ties) {
        int batch = 9, h = 7, w = 8, oh = (h - size) / stride + 1, ow = (w - size) / stride + 1;
        float[] in = random(1 + batch * h * w * channels, channels);
        if (ties) {
            // Whole numbers, with some −0 and NaN among them: +0 takes over from −0, a NaN from anything.
            for (int i = 0; i < in.length; i++) {
                in[i] = i % 11 == 0 ? -0f : i % 97 == 0 ? Float.NaN : Math.round(in[i]);
            }
        }
        int outputs = batch * oh * ow * channels;
        int[] expectedFrom = new int[outputs], gotFrom = new int[outputs];
        float[] expected = new float[outputs], got = new float[outputs];
        scalarLoops.maxPool(in, 1, batch, h, w, channels, size, stride, oh, ow, expectedFrom, expected);
        vectorLoops.maxPool(in, 1, batch, h, w, channels, size, stride, oh, ow, gotFrom, got);
        assertArrayEquals(expectedFrom, gotFrom, "the same cells win, the first of equal maxima");
        assertArrayEquals(expected, got);
        for (int i = 0; i < outputs; i++) {
            assertEquals(in[1 + expectedFrom[i]], expected[i], 0, "the maximum is the winner's value");
        }
        float[] scalarMaxima = new float[outputs], vectorMaxima = new float[outputs];
        scalarLoops.maxPool(in, 1, batch, h, w, channels, size, stride, oh, ow, null, scalarMaxima);
        vectorLoops.maxPool(in, 1, batch, h, w, channels, size, stride, oh, ow, null, vectorMaxima);
        assertArrayEquals(expected, scalarMaxima, "without the winners, the same maxima");
        assertArrayEquals(expected, vectorMaxima, "without the winners, the same maxima");
        if (stride == size) {
            gradientsGoToTheWinners(expectedFrom, batch, h, w, channels, size, oh, ow);
        }
    }

    @Test
    void poolingGradientsOfWindowsSideBySideOnBothPaths() {
        for (int channels : new int[] {16, 48, 20}) {
            for (int size = 2; size <= 3; size++) {
                int batch = 9, h = 7, w = 8, oh = h / size, ow = w / size;
                float[] in = random(batch * h * w * channels, channels + size);
                int[] from = new int[batch * oh * ow * channels];
                scalarLoops.maxPool(in, 0, batch, h, w, channels, size, size, oh, ow, from, new float[from.length]);
                gradientsGoToTheWinners(from, batch, h, w, channels, size, oh, ow);
            }
        }
    }

    /** Windows side by side: every cell's gradient written once, the rows and columns past the last window too. */
    private void gradientsGoToTheWinners(int[] from, int batch, int h, int w, int channels, int size, int oh, int ow) {
        float[] dy = random(from.length + 2, 5), routed = new float[batch * h * w * channels];
        Pool.maxGradient(dy, 2, batch, from, routed);
        for (Loops loops : new Loops[] {scalarLoops, vectorLoops}) {
            float[] dx = new float[routed.length];
            java.util.Arrays.fill(dx, Float.NaN);
            loops.maxPoolGradient(dy, 2, from, batch, h, w, channels, size, oh, ow, dx);
            assertArrayEquals(routed, dx, loops.getClass().getSimpleName() + ", " + channels + " channels, " + size + "x" + size);
        }
    }

    @Property(tries = 40)
    void elementwiseLoopsGiveTheSameBits(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 70) int cols) {
        float[] a = random(rows * cols, rows), b = random(cols, cols), bFull = random(rows * cols, 7);
        for (BinaryOp op : BinaryOp.values()) {
            for (float[] other : new float[][] {b, bFull}) {
                int[] otherShape = other == b ? new int[] {cols} : new int[] {rows, cols};
                BroadcastPlan plan = BroadcastPlan.of(new int[] {rows, cols}, new int[] {rows, cols}, otherShape, new int[] {rows, cols});
                float[] expected = new float[rows * cols], got = new float[rows * cols];
                scalarLoops.zip(op, plan, a, 0, other, 0, expected);
                vectorLoops.zip(op, plan, a, 0, other, 0, got);
                assertArrayEquals(expected, got, op.toString());
            }
        }
        for (UnaryOp op : UnaryOp.values()) {
            float[] expected = new float[rows * cols], got = new float[rows * cols];
            scalarLoops.map(op, a, 0, expected, rows * cols);
            vectorLoops.map(op, a, 0, got, rows * cols);
            assertArrayEquals(expected, got, op.toString());
        }
        for (int axis = 0; axis < 2; axis++) {
            int[] kept = axis == 0 ? new int[] {1, cols} : new int[] {rows, 1};
            BroadcastPlan plan = BroadcastPlan.of(new int[] {rows, cols}, new int[] {rows, cols}, kept);
            float[] expected = new float[kept[0] * kept[1]], got = new float[kept[0] * kept[1]];
            scalarLoops.accumulate(BinaryOp.ADD, plan, a, 0, expected);
            vectorLoops.accumulate(BinaryOp.ADD, plan, a, 0, got);
            assertArrayEquals(expected, got);
        }
    }

    @Test
    void sumsOfRowsAndReluGradientsGiveTheSameBitsOnBothPaths() {
        // A bias's gradient: rows of whole vectors summed onto one row, in registers on the vector path.
        for (int cols : new int[] {16, 32, 48, 64, 80}) {
            for (int rows : new int[] {2, 3, 200}) {
                float[] a = random(rows * cols, cols + rows);
                BroadcastPlan plan = BroadcastPlan.of(new int[] {rows, cols}, new int[] {rows, cols}, new int[] {1, cols});
                float[] expected = random(cols, 3), got = expected.clone();
                scalarLoops.accumulate(BinaryOp.ADD, plan, a, 0, expected);
                vectorLoops.accumulate(BinaryOp.ADD, plan, a, 0, got);
                assertArrayEquals(expected, got, rows + " rows of " + cols);
            }
        }
        // ReLU's gradient passes where the output is positive: not at ±0, negatives, -∞ or NaN; at subnormals and +∞.
        float[] outputs = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NaN, Float.intBitsToFloat(0xffc00000), 3e-39f, 2f, -2f, 5f, 0.5f, -0.5f};
        float[] gradients = random(outputs.length, 4);
        BroadcastPlan plan = BroadcastPlan.of(new int[] {outputs.length}, new int[] {outputs.length}, new int[] {outputs.length},
                new int[] {outputs.length});
        float[] expected = new float[outputs.length], got = new float[outputs.length];
        scalarLoops.zip(BinaryOp.RELU_GRAD, plan, gradients, 0, outputs, 0, expected);
        vectorLoops.zip(BinaryOp.RELU_GRAD, plan, gradients, 0, outputs, 0, got);
        assertArrayEquals(expected, got);
        for (int i = 0; i < outputs.length; i++) {
            assertEquals(outputs[i] > 0 ? gradients[i] : 0f, got[i], 0, "at output " + outputs[i]);
        }
    }

    @Test
    void largeElementwiseOpsAreTheSameOnOneThreadAndTwo() {
        // One long run (same shapes), many runs (a bias row, a value per row), and ragged splits.
        int[][] shapes = {{1, 40_003}, {300, 130}, {3, 20_011}, {513, 1024}};
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1], n = rows * cols;
            float[] a = random(n, rows), full = random(n, 5), row = random(cols, 6), perRow = random(rows, 7);
            int[][] otherShapes = {{rows, cols}, {cols}, {rows, 1}};
            float[][] others = {full, row, perRow};
            for (int o = 0; o < others.length; o++) {
                BroadcastPlan plan = BroadcastPlan.of(new int[] {rows, cols}, new int[] {rows, cols}, otherShapes[o], new int[] {rows, cols});
                float[] expected = new float[n];
                scalarLoops.zip(BinaryOp.RELU_GRAD, plan, a, 0, others[o], 0, expected);
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    float[] got = new float[n];
                    vectorLoops.zip(BinaryOp.RELU_GRAD, plan, a, 0, others[o], 0, got);
                    assertArrayEquals(expected, got, rows + "x" + cols + " with " + java.util.Arrays.toString(otherShapes[o]) + " on " + threads);
                }
            }
            float[] expected = new float[n];
            scalarLoops.map(UnaryOp.RELU, a, 0, expected, n);
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                float[] got = new float[n];
                vectorLoops.map(UnaryOp.RELU, a, 0, got, n);
                assertArrayEquals(expected, got);
            }
        }
    }

    @Property(tries = 30)
    void pixelsBecomeTheirValueOver255OnBothPaths(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll @IntRange(min = 0, max = 40) int offset) {
        byte[] pixels = new byte[offset + n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        float[] expected = new float[n], scalarGot = new float[n], vectorGot = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (float) (((offset + i) * 37) % 256) / 255f;
        }
        scalarLoops.unsignedBytesDivided(pixels, offset, scalarGot, n, 255f);
        vectorLoops.unsignedBytesDivided(pixels, offset, vectorGot, n, 255f);
        assertArrayEquals(expected, scalarGot);
        assertArrayEquals(expected, vectorGot);
    }

    @Test
    void adamGivesTheSameBitsOnBothPathsAndAnyThreadCount() {
        int rows = 784, cols = 128, n = rows * cols;
        float[] g = random(n, 9);
        float[][] scalarState = {random(n, 10), new float[n], new float[n]};
        float[][] vectorState = {scalarState[0].clone(), new float[n], new float[n]};
        for (int step = 1; step <= 3; step++) {
            Parallel.setThreads(step);
            scalarLoops.adam(scalarState[0], scalarState[1], scalarState[2], g, 0, n, cols, 1e-3f * step, 0.9f, 0.999f, 1e-7f);
            vectorLoops.adam(vectorState[0], vectorState[1], vectorState[2], g, 0, n, cols, 1e-3f * step, 0.9f, 0.999f, 1e-7f);
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(scalarState[i], vectorState[i]);
        }
    }

    @Test
    void adamFlushesSubnormalMomentsToPositiveZeroOnBothPaths() {
        // With beta1 = beta2 = 0 the new moments are g and g * g, so every edge of the flush lands in m or v.
        float below = Math.nextDown(Float.MIN_NORMAL);
        float[] edges = {Float.MIN_NORMAL, -Float.MIN_NORMAL, below, -below, Float.MIN_VALUE, -Float.MIN_VALUE, 0f, -0f, 1e-20f, -3e-20f, 1.5f,
            Float.POSITIVE_INFINITY, Float.NaN};
        int n = 7 * vectorLoops.lanes() + 5;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = edges[i % edges.length];
        }
        for (Loops loops : new Loops[] {scalarLoops, vectorLoops}) {
            float[] var = new float[n], m = new float[n], v = new float[n];
            loops.adam(var, m, v, g, 0, n, n, 1e-3f, 0f, 0f, 1e-7f);
            for (int i = 0; i < n; i++) {
                float squared = g[i] * g[i];
                assertEquals(Float.floatToRawIntBits(Math.abs(g[i]) < Float.MIN_NORMAL ? 0f : g[i]), Float.floatToRawIntBits(m[i]),
                        loops.getClass().getSimpleName() + " m for g = " + g[i]);
                assertEquals(Float.floatToRawIntBits(squared < Float.MIN_NORMAL ? 0f : squared), Float.floatToRawIntBits(v[i]),
                        loops.getClass().getSimpleName() + " v for g = " + g[i]);
            }
        }
    }

    @Test
    void peakLoopsRun() {
        assertTrue(Float.isFinite(vectorLoops.fmaChains(1000)));
        assertEquals(scalarLoops.fmaChains(1000) * vectorLoops.lanes(), vectorLoops.fmaChains(1000), 1e-3f * vectorLoops.lanes());
    }
}
