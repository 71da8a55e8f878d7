package dev.scratchnet.op;

import dev.scratchnet.autodiff.GradientCheck;
import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.autodiff.UnconnectedGradients;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchnet.op.Nn.*;
import static org.junit.jupiter.api.Assertions.*;

/** The layer ops against hand-computed values and finite differences. */
class NnTest {
    private static final Generator RANDOM = Generator.fromSeed(5);

    private static Tensor rand(int... dims) {
        return RANDOM.uniform(dims, -1, 1, DType.FLOAT64);
    }

    @Test
    void convolutionByHand() {
        // A 3x3 image 1..9, a 2x2 filter [[1, 0], [0, -1]]: each output is top-left minus bottom-right.
        Tensor image = Tensor.range(1, 10, 1, DType.FLOAT64).reshape(1, 3, 3, 1);
        Tensor filter = Tensor.of(new double[] {1, 0, 0, -1}, 2, 2, 1, 1);
        Tensor valid = conv2d(image, filter, 1, Padding.VALID);
        assertEquals(Shape.of(1, 2, 2, 1), valid.shape());
        assertArrayEquals(new double[] {-4, -4, -4, -4}, valid.toDoubleArray());
        // SAME with a 2x2 filter pads one row and column at the bottom and right (TensorFlow's rule).
        Tensor same = conv2d(image, filter, 1, Padding.SAME);
        assertArrayEquals(new double[] {-4, -4, 3, -4, -4, 6, 7, 8, 9}, same.toDoubleArray());
        Tensor strided = conv2d(image, filter, 2, Padding.SAME);
        assertEquals(Shape.of(1, 2, 2, 1), strided.shape());
        assertArrayEquals(new double[] {-4, 3, 7, 9}, strided.toDoubleArray());
        // Two input channels and two filters: channel sums with weights.
        Tensor two = Tensor.of(new double[] {1, 10, 2, 20}, 1, 1, 2, 2);
        Tensor f = Tensor.of(new double[] {1, 0, 0, 1}, 1, 1, 2, 2);
        assertArrayEquals(new double[] {1, 10, 2, 20}, conv2d(two, f, 1, Padding.VALID).toDoubleArray());
    }

    @Test
    void convolutionWithExplicitPaddingByHand() {
        // The 3x3 image 1..9 and the filter [[1, 0], [0, -1]] again: one zero row on top, one zero column on the
        // right, none at the bottom and left, as tf.nn.conv2d(padding=[[0, 0], [1, 0], [0, 1], [0, 0]]) reads it.
        Tensor image = Tensor.range(1, 10, 1, DType.FLOAT64).reshape(1, 3, 3, 1);
        Tensor filter = Tensor.of(new double[] {1, 0, 0, -1}, 2, 2, 1, 1);
        Tensor y = conv2d(image, filter, 1, 0, 0, 1);
        assertEquals(Shape.of(1, 3, 3, 1), y.shape());
        assertArrayEquals(new double[] {-2, -3, 0, -4, -4, 3, -4, -4, 6}, y.toDoubleArray());
        // A negative pad crops: the first column left out.
        assertArrayEquals(new double[] {-4, -4}, conv2d(image, filter, 0, 0, -1, 0).toDoubleArray());
        // A bias per output channel adds to every position.
        Tensor bias = Tensor.of(new double[] {10});
        assertArrayEquals(new double[] {6, 6, 6, 6}, conv2d(image, filter, bias, 1, Padding.VALID).toDoubleArray());
        assertArrayEquals(new double[] {6, 13, 17, 19}, conv2d(image, filter, bias, 2, Padding.SAME).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> conv2d(image, filter, Tensor.of(new double[] {1, 2}), 1, Padding.VALID));
        // SAME with stride 1 is the explicit padding TensorFlow's rule gives: (0, 1) for a 2x2 filter.
        assertArrayEquals(conv2d(image, filter, 1, Padding.SAME).toDoubleArray(), conv2d(image, filter, 0, 1, 0, 1).toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv2d(image, filter, 0, 0, -1, -1));
        assertTrue(e.getMessage().contains("give 2x0 outputs"), e.getMessage());
    }

    @Test
    void theFiltersGradientIsItsPublishedSum() {
        // tf.nn.conv2d_backprop_filter: df[i, j, c, o] = sum over n, y, x of images[n, y + i - padTop, x + j - padLeft, c]
        // times gradient[n, y, x, o], cells outside the image zero.
        Tensor x = rand(2, 5, 4, 3), dy = rand(2, 4, 5, 2);
        int kh = 3, kw = 2, padTop = 1, padLeft = 1;
        Tensor df = conv2dBackpropFilter(x, dy, kh, kw, padTop, 0, padLeft, 1);
        assertEquals(Shape.of(kh, kw, 3, 2), df.shape());
        double[] xs = x.toDoubleArray(), dys = dy.toDoubleArray(), got = df.toDoubleArray();
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int c = 0; c < 3; c++) {
                    for (int o = 0; o < 2; o++) {
                        double sum = 0;
                        for (int n = 0; n < 2; n++) {
                            for (int yy = 0; yy < 4; yy++) {
                                for (int xx = 0; xx < 5; xx++) {
                                    int iy = yy + i - padTop, ix = xx + j - padLeft;
                                    if (iy >= 0 && iy < 5 && ix >= 0 && ix < 4) {
                                        sum += xs[((n * 5 + iy) * 4 + ix) * 3 + c] * dys[((n * 4 + yy) * 5 + xx) * 2 + o];
                                    }
                                }
                            }
                        }
                        assertEquals(sum, got[((i * kw + j) * 3 + c) * 2 + o], 1e-12);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> conv2dBackpropFilter(x, rand(2, 5, 5, 2), kh, kw, padTop, 0, padLeft, 1));
    }

    @Test
    void theImagesGradientIsTheTapesAndChecksItsShapes() {
        Tensor x = rand(2, 5, 4, 3), f = rand(3, 2, 3, 2);
        Variable images = new Variable(x);
        Tensor y;
        Tensor dy = rand(2, 4, 5, 2);
        try (GradientTape tape = new GradientTape()) {
            y = conv2d(images, f, 1, 0, -1, 3);
            assertEquals(dy.shape(), y.shape());
            Tensor fromTape = tape.gradient(y, List.of(images), dy, UnconnectedGradients.NONE).get(0);
            assertArrayEquals(fromTape.toDoubleArray(), conv2dBackpropInput(dy, f, 1, 0, -1, 3).toDoubleArray());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv2dBackpropInput(rand(2, 4, 5, 3), f, 1, 0, -1, 3));
        assertTrue(e.getMessage().startsWith("conv2dBackpropInput: the gradient [2, 4, 5, 3]"), e.getMessage());
        GradientCheck.assertGradients(v -> conv2dBackpropInput(v.get(0), v.get(1), 1, 0, -1, 3), List.of(dy, f), 1e-6);
    }

    @Test
    void poolingByHand() {
        Tensor image = Tensor.of(new double[] {1, -2, 3, -4, 5, -6, 7, -8, -9}, 1, 3, 3, 1);
        assertArrayEquals(new double[] {5, 5, 7, 5}, maxPool2d(image, 2, 1, Padding.VALID).toDoubleArray());
        // SAME, stride 2: windows [1,-2;-4,5], [3;-6], [7,-8], [-9]; the padding never wins, even over negatives.
        assertArrayEquals(new double[] {5, 3, 7, -9}, maxPool2d(image, 2, 2, Padding.SAME).toDoubleArray());
        // The average counts only the cells inside the image.
        assertArrayEquals(new double[] {0, -1.5, -0.5, -9}, avgPool2d(image, 2, 2, Padding.SAME).toDoubleArray(), 1e-12);
    }

    @Test
    void poolingTakesTheLargerAsMathMaxHasIt() {
        // Window one: -0, +0, -0, -0 (+0 takes over from the -0 before it, but not the later -0s from +0). Window two:
        // 1, NaN, 2, 0 (the NaN takes over and stays). With 16 channels, float32 runs the vector kernel.
        double[] cells = {-0.0, 0.0, 1, Double.NaN, -0.0, -0.0, 2, 0};
        for (int channels : new int[] {1, 16}) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                double[] values = new double[cells.length * channels];
                for (int i = 0; i < values.length; i++) {
                    values[i] = cells[i / channels];
                }
                Tensor x = Tensor.of(values, 1, 2, 4, channels).cast(dtype);
                double[] y, dx;
                try (dev.scratchnet.autodiff.GradientTape tape = new dev.scratchnet.autodiff.GradientTape()) {
                    tape.watch(x);
                    Tensor pooled = maxPool2d(x, 2, 2, Padding.VALID);
                    y = pooled.toDoubleArray();
                    dx = tape.gradient(Ops.sum(pooled), x).toDoubleArray();
                }
                String where = dtype + " with " + channels + " channel(s)";
                assertEquals(0x0L, Double.doubleToRawLongBits(y[0]), where + ": +0");
                assertTrue(Double.isNaN(y[channels]), where);
                for (int i = 0; i < dx.length; i++) {
                    int cell = i / channels;
                    assertEquals(cell == 1 || cell == 3 ? 1.0 : 0.0, dx[i], where + " at cell " + cell);
                }
            }
        }
    }

    @Test
    void float32PoolingAgreesWithFloat64OnOneThreadAndOnSeveral() {
        Tensor random = rand(10, 7, 6, 3).cast(DType.FLOAT32).slice(1, 10);  // a view: an offset
        Tensor tied = random.mul(2).cast(DType.INT32).cast(DType.FLOAT32);  // whole numbers from -3 to 3: windows with equal maxima
        int[][] windows = {{2, 2}, {3, 2}};  // side by side, and overlapping (a cell in up to four windows)
        try {
            for (Tensor x32 : new Tensor[] {random, tied}) {
                Tensor x64 = x32.cast(DType.FLOAT64);
                for (int threads : new int[] {1, 2}) {
                    dev.scratchnet.kernel.Parallel.setThreads(threads);
                    for (int[] w : windows) {
                        for (Padding p : Padding.values()) {
                            String where = w[0] + "x" + w[0] + " stride " + w[1] + " " + p + " on " + threads + " thread(s)";
                            Tensor y64 = maxPool2d(x64, w[0], w[1], p), y32 = maxPool2d(x32, w[0], w[1], p);
                            assertArrayEquals(y64.cast(DType.FLOAT32).toFloatArray(), y32.toFloatArray(), where);
                            double[] g64 = poolGradient(x64, w, p), g32 = poolGradient(x32, w, p);
                            for (int i = 0; i < g64.length; i++) {
                                assertEquals(g64[i], g32[i], 1e-6 * (1 + Math.abs(g64[i])), where + " at " + i);
                            }
                            if (w[0] == w[1]) {
                                assertArrayEquals(g64, g32, where + ": one contribution a cell, no rounding");
                            }
                            assertTrue(java.util.Arrays.stream(g32).anyMatch(v -> v != 0), where);
                        }
                    }
                }
            }
        } finally {
            dev.scratchnet.kernel.Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    /** The gradient of a weighted sum of the pooled values by the image, as float64 values. */
    private static double[] poolGradient(Tensor x, int[] window, Padding padding) {
        try (dev.scratchnet.autodiff.GradientTape tape = new dev.scratchnet.autodiff.GradientTape()) {
            tape.watch(x);
            Tensor y = maxPool2d(x, window[0], window[1], padding);
            Tensor w = Generator.fromSeed(9).uniform(y.shape().dims(), -1, 1, DType.FLOAT32).cast(x.dtype());
            return tape.gradient(Ops.sum(Ops.mul(y, w)), x).toDoubleArray();
        }
    }

    @Test
    void gradientsOfTheLayerOps() {
        for (Padding p : Padding.values()) {
            GradientCheck.assertGradients(v -> conv2d(v.get(0), v.get(1), 1, p), List.of(rand(2, 5, 4, 3), rand(3, 2, 3, 2)), 1e-6);
            GradientCheck.assertGradients(v -> conv2d(v.get(0), v.get(1), 2, p), List.of(rand(1, 5, 5, 2), rand(3, 3, 2, 3)), 1e-6);
            GradientCheck.assertGradients(v -> maxPool2d(v.get(0), 2, 2, p), List.of(rand(2, 5, 4, 3)), 1e-6);
            GradientCheck.assertGradients(v -> avgPool2d(v.get(0), 3, 2, p), List.of(rand(1, 5, 4, 2)), 1e-6);
            GradientCheck.assertGradients(v -> extractPatches(v.get(0), 2, 3, 1, 2, p, 0), List.of(rand(2, 4, 5, 2)), 1e-6);
        }
        // The stride-1 primitives, with pads that reach past the window and that crop, and each other's gradients.
        GradientCheck.assertGradients(v -> conv2d(v.get(0), v.get(1), 2, 0, -1, 3), List.of(rand(2, 5, 4, 3), rand(3, 2, 3, 2)), 1e-6);
        GradientCheck.assertGradients(v -> conv2d(v.get(0), v.get(1), v.get(2), 1, 1, 0, 1), List.of(rand(2, 4, 3, 3), rand(2, 2, 3, 2), rand(2)),
                1e-6);
        GradientCheck.assertGradients(v -> conv2d(v.get(0), v.get(1), v.get(2), 2, Padding.SAME), List.of(rand(1, 5, 5, 2), rand(3, 3, 2, 3),
                rand(3)), 1e-6);
        GradientCheck.assertGradients(v -> conv2dBackpropFilter(v.get(0), v.get(1), 3, 2, 2, 0, -1, 3), List.of(rand(2, 5, 4, 3), rand(2, 5, 5, 2)),
                1e-6);
        GradientCheck.assertGradients(v -> batchNormalization(v.get(0), v.get(1), Ops.square(v.get(2)), v.get(3), v.get(4), 1e-3),
                List.of(rand(4, 3), rand(3), rand(3), rand(3), rand(3)), 1e-6);
        GradientCheck.assertGradients(v -> l2Loss(v.get(0)), List.of(rand(3, 4)), 1e-6);
        GradientCheck.assertGradients(v -> clipByValue(v.get(0), -0.5, 0.5), List.of(rand(20)), 1e-6);
        GradientCheck.assertGradients(v -> flatten(v.get(0)), List.of(rand(2, 3, 4)), 1e-6);
        GradientCheck.assertGradients(v -> Ops.concat(clipByGlobalNorm(v, 0.5), 0), List.of(rand(3), rand(4)), 1e-6);
        GradientCheck.assertGradients(v -> Ops.concat(clipByGlobalNorm(v, 50), 0), List.of(rand(3), rand(4)), 1e-6);
        Tensor x = rand(50);
        Tensor once = dropout(x, 0.3, Generator.fromSeed(1), true);
        GradientCheck.assertGradients(v -> dropout(v.get(0), 0.3, Generator.fromSeed(1), true), List.of(x), 1e-6);
        assertArrayEquals(once.toDoubleArray(), dropout(x, 0.3, Generator.fromSeed(1), true).toDoubleArray(), "seeded");
    }

    @Test
    void aConvolutionWithItsPoolingIsTheTwoOps() {
        int[][] pads = {{1, 1, 1, 1}, {0, 1, 2, 0}, {-1, 0, 0, 1}};
        for (int[] p : pads) {
            Tensor x = rand(2, 6, 7, 3), f = rand(3, 3, 3, 4), b = rand(4);
            Tensor twoOps = maxPool2d(conv2d(x, f, b, p[0], p[1], p[2], p[3]), 2, 2, Padding.VALID);
            assertArrayEquals(twoOps.toDoubleArray(), conv2dMaxPool(x, f, b, p[0], p[1], p[2], p[3], 2).toDoubleArray());
            GradientCheck.assertGradients(v -> conv2dMaxPool(v.get(0), v.get(1), v.get(2), p[0], p[1], p[2], p[3], 2), List.of(x, f, b), 1e-6);
        }
        GradientCheck.assertGradients(v -> conv2dMaxPool(v.get(0), v.get(1), null, Padding.SAME, 3), List.of(rand(1, 7, 6, 2), rand(2, 2, 2, 3)),
                1e-6);
        Tensor x = rand(2, 5, 5, 1), f = rand(3, 3, 1, 2);
        assertArrayEquals(maxPool2d(conv2d(x, f, 1, Padding.SAME), 2, 2, Padding.VALID).toDoubleArray(),
                conv2dMaxPool(x, f, null, Padding.SAME, 2).toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv2dMaxPool(x, f, null, Padding.VALID, 4));
        assertEquals("conv2dMaxPool: 4x4 pooling windows do not fit the convolution's 3x3 outputs", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv2dMaxPool(x, f, rand(3), Padding.SAME, 2));
        assertTrue(e.getMessage().startsWith("conv2dMaxPool: the bias [3] does not fit filters [3, 3, 1, 2]"), e.getMessage());
    }

    /**
     * Float32 images of one channel take the fused kernels, and so do sixteen channels in and out (Winograd's way,
     * pooled in its forward pass): the outputs are the two ops' to the bit, the gradients and the filters' gradient's
     * own gradients theirs up to rounding (the fused filters' gradient sums in its own order, the bias's sums the pooled
     * gradient rather than the one routed back).
     */
    @Test
    void theFusedKernelsGiveTheTwoOpsGradients() {
        int[][] shapes = {{4, 8, 8, 1, 32}, {2, 6, 6, 16, 16}};
        for (int i = 0; i < shapes.length; i++) {
            int n = shapes[i][0], h = shapes[i][1], w = shapes[i][2], c = shapes[i][3], out = shapes[i][4];
            Tensor x = Ops.cast(rand(n, h, w, c), DType.FLOAT32), f = Ops.cast(rand(3, 3, c, out), DType.FLOAT32);
            Tensor b = Ops.cast(rand(out), DType.FLOAT32);
            Tensor weights = Ops.cast(rand(n, h / 2, w / 2, out), DType.FLOAT32), v = Ops.cast(rand(3, 3, c, out), DType.FLOAT32);
            List<Tensor> fused = firstAndSecondGradients(t -> conv2dMaxPool(t.get(0), t.get(1), t.get(2), Padding.SAME, 2), x, f, b, weights, v);
            List<Tensor> twoOps = firstAndSecondGradients(t -> maxPool2d(conv2d(t.get(0), t.get(1), t.get(2), 1, Padding.SAME), 2, 2, Padding.VALID),
                    x, f, b, weights, v);
            String where = java.util.Arrays.toString(shapes[i]) + ": ";
            assertArrayEquals(twoOps.get(0).toFloatArray(), fused.get(0).toFloatArray(), where + "the outputs");
            String[] names = {"outputs", "images' gradient", "filters' gradient", "bias's gradient", "images' second gradient",
                "weights' second gradient"};
            for (int g = 1; g < names.length; g++) {
                assertArrayEquals(twoOps.get(g).toDoubleArray(), fused.get(g).toDoubleArray(), 1e-5, where + names[g]);
            }
        }
    }

    /**
     * The op's output; the gradients of {@code Σ op(x, f, b)·w} for x, f and b; and the gradients, for x and w, of
     * {@code Σ (its filters' gradient)·v}.
     */
    private static List<Tensor> firstAndSecondGradients(java.util.function.Function<List<Tensor>, Tensor> op, Tensor x, Tensor f, Tensor b,
                                                        Tensor w, Tensor v) {
        try (GradientTape outer = new GradientTape()) {
            outer.watch(x);
            outer.watch(w);
            Tensor y;
            List<Tensor> first;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                inner.watch(f);
                inner.watch(b);
                y = op.apply(List.of(x, f, b));
                first = inner.gradient(Ops.sum(Ops.mul(y, w)), List.of(x, f, b));
            }
            List<Tensor> second = outer.gradient(Ops.sum(Ops.mul(first.get(1), v)), List.of(x, w));
            return List.of(y, first.get(0), first.get(1), first.get(2), second.get(0), second.get(1));
        }
    }

    @Test
    void dropoutZeroesAndRescales() {
        Tensor x = Tensor.ones(DType.FLOAT64, 10000);
        double[] d = dropout(x, 0.25, Generator.fromSeed(3), true).toDoubleArray();
        int zeros = 0;
        for (double v : d) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75) < 1e-12, "kept values are scaled by 1 / (1 - rate): " + v);
            zeros += v == 0 ? 1 : 0;
        }
        assertEquals(2500, zeros, 150);
        assertSame(x, dropout(x, 0.25, Generator.fromSeed(3), false), "outside training, the identity");
        // tf.nn.dropout keeps x * scale, the scale 1 / (1 - rate) in x's type (not x / (1 - rate), which rounds otherwise).
        Tensor x32 = RANDOM.uniform(new int[] {1000}, -2, 2, DType.FLOAT32);
        float[] in = x32.toFloatArray(), out = dropout(x32, 0.3, Generator.fromSeed(4), true).toFloatArray();
        float scale = (float) (1 / (1 - 0.3));
        for (int i = 0; i < in.length; i++) {
            assertTrue(out[i] == 0 || out[i] == in[i] * scale, "element " + i + ": " + in[i] + " became " + out[i]);
        }
    }

    @Test
    void batchNormAndClippingByHand() {
        Tensor x = Tensor.of(new double[] {1, 2, 3});
        Tensor bn = batchNormalization(x, Tensor.scalar(2, DType.FLOAT64), Tensor.scalar(4, DType.FLOAT64), Tensor.scalar(1, DType.FLOAT64),
                Tensor.scalar(3, DType.FLOAT64), 0);
        assertArrayEquals(new double[] {-0.5, 1, 2.5}, bn.toDoubleArray(), 1e-12);
        assertEquals(7, l2Loss(x).item(), 1e-12);
        assertArrayEquals(new double[] {1.5, 2, 2.5}, clipByValue(x, 1.5, 2.5).toDoubleArray());
        List<Tensor> clipped = clipByGlobalNorm(List.of(Tensor.of(new double[] {3}), Tensor.of(new double[] {4})), 1);
        assertEquals(0.6, clipped.get(0).item(), 1e-12);
        assertEquals(0.8, clipped.get(1).item(), 1e-12);
        assertEquals(5, globalNorm(List.of(Tensor.of(new double[] {3}), Tensor.of(new double[] {4}))).item(), 1e-12);
    }

    @Test
    void floatAndDoubleConvolutionsAgree() {
        Tensor x = rand(2, 6, 6, 3), f = rand(3, 3, 3, 4);
        double[] d = conv2d(x, f, 1, Padding.SAME).toDoubleArray();
        float[] s = conv2d(x.cast(DType.FLOAT32), f.cast(DType.FLOAT32), 1, Padding.SAME).toFloatArray();
        for (int i = 0; i < d.length; i++) {
            assertEquals(d[i], s[i], 1e-5);
        }
    }
}
