package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchnet.op.Ops.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every op against values worked out by hand. */
class OpsTest {
    private static final double EPS = 1e-6;

    private static Tensor f(float... v) {
        return Tensor.of(v);
    }

    private static Tensor m(float[][] rows) {
        return Tensor.of(rows);
    }

    private static void assertValues(Tensor t, double... expected) {
        assertArrayEquals(expected, t.toDoubleArray(), EPS, t.toString());
    }

    @Test
    void arithmeticBroadcastsLikeNumPy() {
        Tensor a = m(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertValues(add(a, f(10, 20, 30)), 11, 22, 33, 14, 25, 36);
        assertValues(sub(a, Tensor.of(new float[] {1, 2}, 2, 1)), 0, 1, 2, 2, 3, 4);
        assertValues(mul(a, Tensor.scalar(2f)), 2, 4, 6, 8, 10, 12);
        assertValues(div(a, f(1, 2, 4)), 1, 1, 0.75, 4, 2.5, 1.5);
        Tensor outer = mul(Tensor.of(new float[] {1, 2}, 2, 1), f(3, 4, 5));
        assertEquals(Shape.of(2, 3), outer.shape());
        assertValues(outer, 3, 4, 5, 6, 8, 10);
        Tensor rank3 = add(Tensor.ones(2, 1, 3), Tensor.of(new float[] {1, 2, 3, 4}, 4, 1));
        assertEquals(Shape.of(2, 4, 3), rank3.shape());
        assertEquals(5, rank3.getDouble(1, 3, 2), EPS);
    }

    @Test
    void scalarsAndTrueDivision() {
        Tensor bytes = Tensor.ofUInt8(new byte[] {0, (byte) 255, 51});
        Tensor scaled = bytes.div(255.0);
        assertEquals(DType.FLOAT32, scaled.dtype());
        assertValues(scaled, 0, 1, 0.2);
        Tensor ints = Tensor.of(new int[] {7, 2});
        Tensor q = div(ints, Tensor.of(new int[] {2, 4}));
        assertEquals(DType.FLOAT64, q.dtype());
        assertValues(q, 3.5, 0.5);
        assertValues(f(1, 2).add(1).mul(3).sub(1), 5, 8);
    }

    @Test
    void javaArraysOfAnyDepthConvertWithAnExplicitDType() {
        Tensor t = Tensor.of(new double[][][] {{{1.5, 2}, {3, 4}}, {{5, 6}, {7, 8.25}}}, DType.FLOAT32);
        assertEquals(Shape.of(2, 2, 2), t.shape());
        assertEquals(DType.FLOAT32, t.dtype());
        assertValues(t, 1.5, 2, 3, 4, 5, 6, 7, 8.25);
        Tensor labels = Tensor.of(new byte[] {3, (byte) 200}, DType.INT64);
        assertArrayEquals(new long[] {3, 200}, labels.toLongArray(), "bytes are read as uint8");
        assertEquals(Shape.of(2), labels.shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new int[][] {{1, 2}, {3}}, DType.INT32));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of("text", DType.INT32));
    }

    @Test
    void integerArithmeticStaysExact() {
        Tensor big = Tensor.of(new long[] {(1L << 60) + 1});
        assertEquals((1L << 61) + 2, add(big, big).getLong(0));
        Tensor wrapped = add(Tensor.ofUInt8(new byte[] {(byte) 250}), Tensor.ofUInt8(new byte[] {10}));
        assertEquals(4, wrapped.getLong(0));
    }

    @Test
    void unaryFunctions() {
        Tensor x = Tensor.of(new double[] {-2, 0, 0.5, 3});
        assertValues(neg(x), 2, 0, -0.5, -3);
        assertValues(relu(x), 0, 0, 0.5, 3);
        assertValues(square(x), 4, 0, 0.25, 9);
        assertValues(exp(x), Math.exp(-2), 1, Math.exp(0.5), Math.exp(3));
        assertValues(sigmoid(x), 1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(-3)));
        assertValues(tanh(x), Math.tanh(-2), 0, Math.tanh(0.5), Math.tanh(3));
        Tensor p = Tensor.of(new double[] {1, 4, Math.E});
        assertValues(log(p), 0, Math.log(4), 1);
        assertValues(sqrt(p), 1, 2, Math.sqrt(Math.E));
        assertValues(maximum(x, Tensor.scalar(0.25, DType.FLOAT64)), 0.25, 0.25, 0.5, 3);
        assertValues(minimum(x, Tensor.scalar(0.25, DType.FLOAT64)), -2, 0, 0.25, 0.25);
        assertTrue(Double.isNaN(relu(Tensor.of(new float[] {Float.NaN})).item()), "relu keeps NaN, as TensorFlow does");
    }

    @Test
    void reductions() {
        Tensor a = m(new float[][] {{1, 5, 3}, {4, 2, 6}});
        assertEquals(21, sum(a).item(), EPS);
        assertEquals(Shape.SCALAR, sum(a).shape());
        assertValues(sum(a, 0), 5, 7, 9);
        assertValues(sum(a, 1), 9, 12);
        assertEquals(Shape.of(2, 1), sum(a, new int[] {-1}, true).shape());
        assertValues(mean(a, 0), 2.5, 3.5, 4.5);
        assertEquals(3.5, mean(a).item(), EPS);
        assertValues(max(a, 1), 5, 6);
        assertEquals(6, max(a).item(), EPS);
        assertEquals(Shape.of(1, 3), max(a, new int[] {0}, true).shape());
        assertEquals(2, mean(Tensor.of(new int[] {1, 2, 4})).longValue(), "integer mean truncates");
        Tensor rank3 = Tensor.range(0, 24, 1, DType.FLOAT64).reshape(2, 3, 4);
        // sum over i, k of (12 i + 4 j + k) = 32 j + 60
        assertValues(sum(rank3, 0, 2), 60, 92, 124);
    }

    @Test
    void argmaxPicksTheFirstOfTies() {
        Tensor a = m(new float[][] {{1, 7, 7}, {9, 2, 3}});
        Tensor rows = argmax(a, 1);
        assertEquals(DType.INT64, rows.dtype());
        assertArrayEquals(new long[] {1, 0}, rows.toLongArray());
        Tensor cols = argmax(a, 0, DType.INT32);
        assertEquals(DType.INT32, cols.dtype());
        assertArrayEquals(new int[] {1, 0, 0}, cols.toIntArray());
    }

    @Test
    void comparisons() {
        Tensor a = Tensor.of(new long[] {1, 2, 3});
        Tensor b = Tensor.of(new long[] {2, 2, 2});
        assertArrayEquals(new boolean[] {false, true, false}, equal(a, b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true}, notEqual(a, b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false}, less(a, b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false}, lessEqual(a, b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true}, greater(a, b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true}, greaterEqual(a, b).toBooleanArray());
        assertEquals(DType.BOOL, equal(f(1), f(1)).dtype());
    }

    @Test
    void matmulInAllFourLayouts() {
        Tensor a = m(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor b = m(new float[][] {{7, 8}, {9, 10}, {11, 12}});
        double[] ab = {58, 64, 139, 154};
        assertValues(matmul(a, b), ab);
        assertValues(matmul(transpose(a), b, true, false), ab);
        assertValues(matmul(a, transpose(b), false, true), ab);
        assertValues(matmul(transpose(a), transpose(b), true, true), ab);
        assertValues(matmul(a.cast(DType.FLOAT64), b.cast(DType.FLOAT64)), ab);
        assertEquals(Shape.of(0, 2), matmul(Tensor.zeros(0, 3), b).shape());
        assertValues(matmul(Tensor.zeros(2, 0), Tensor.zeros(0, 2)), 0, 0, 0, 0);
    }

    @Test
    void transposeWithPermutation() {
        Tensor x = Tensor.range(0, 6, 1, DType.FLOAT32).reshape(1, 2, 3);
        Tensor t = transpose(x, 2, 0, 1);
        assertEquals(Shape.of(3, 1, 2), t.shape());
        assertValues(t, 0, 3, 1, 4, 2, 5);
        assertValues(transpose(m(new float[][] {{1, 2}, {3, 4}})), 1, 3, 2, 4);
    }

    @Test
    void softmaxFamilyIsStable() {
        Tensor z = m(new float[][] {{1, 2, 3}, {1000, 1000, 1000}});
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertValues(softmax(z), Math.exp(1) / e, Math.exp(2) / e, Math.exp(3) / e, 1 / 3.0, 1 / 3.0, 1 / 3.0);
        assertValues(logSoftmax(z), 1 - Math.log(e), 2 - Math.log(e), 3 - Math.log(e), -Math.log(3), -Math.log(3), -Math.log(3));
        Tensor labels = Tensor.of(new long[] {2, 0});
        Tensor loss = sparseSoftmaxCrossEntropyWithLogits(z, labels);
        assertEquals(Shape.of(2), loss.shape());
        assertValues(loss, Math.log(e) - 3, Math.log(3));
        Tensor dense = softmaxCrossEntropyWithLogits(z, m(new float[][] {{0, 0, 1}, {0.5f, 0.5f, 0}}));
        assertValues(dense, Math.log(e) - 3, Math.log(3));
        assertEquals(DType.FLOAT32, loss.dtype());
    }

    @Test
    void sparseCrossEntropyChecksItsLabels() {
        Tensor z = Tensor.zeros(2, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sparseSoftmaxCrossEntropyWithLogits(z, Tensor.of(new long[] {3, 12})));
        assertTrue(e.getMessage().contains("label 12 at index 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sparseSoftmaxCrossEntropyWithLogits(z, Tensor.of(new long[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("[2, 10]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void oneHotCastAndShapes() {
        Tensor h = oneHot(Tensor.of(new int[] {0, 2, 5}), 3, DType.FLOAT32);
        assertEquals(Shape.of(3, 3), h.shape());
        assertValues(h, 1, 0, 0, 0, 0, 1, 0, 0, 0);
        assertArrayEquals(new long[] {1, -2, 0}, cast(f(1.9f, -2.7f, 0.2f), DType.INT64).toLongArray(), "casts truncate toward zero");
        assertArrayEquals(new boolean[] {true, false}, cast(f(0.5f, 0), DType.BOOL).toBooleanArray());
        Tensor r = Tensor.range(0, 12, 1, DType.INT32).reshape(3, -1);
        assertEquals(Shape.of(3, 4), r.shape());
        assertEquals(Shape.of(3, 1, 4), expandDims(r, 1).shape());
        assertEquals(Shape.of(3, 4, 1), expandDims(r, -1).shape());
        assertThrows(IllegalArgumentException.class, () -> r.reshape(5, -1));
        assertThrows(IllegalArgumentException.class, () -> r.reshape(-1, -1));
    }

    @Test
    void concatNarrowGather() {
        Tensor a = m(new float[][] {{1, 2}, {3, 4}});
        Tensor b = m(new float[][] {{5}, {6}});
        assertValues(concat(List.of(a, b), 1), 1, 2, 5, 3, 4, 6);
        assertValues(concat(List.of(a, a), 0), 1, 2, 3, 4, 1, 2, 3, 4);
        assertValues(narrow(concat(List.of(a, b), 1), 1, 1, 2), 2, 5, 4, 6);
        Tensor g = gather(m(new float[][] {{1, 2}, {3, 4}, {5, 6}}), Tensor.of(new int[] {2, 0, 2}), 0);
        assertEquals(Shape.of(3, 2), g.shape());
        assertValues(g, 5, 6, 1, 2, 5, 6);
        assertValues(gather(a, Tensor.of(new long[] {1}), 1), 2, 4);
        assertThrows(IllegalArgumentException.class, () -> concat(List.of(a, Tensor.zeros(3, 1)), 1));
        assertThrows(IllegalArgumentException.class, () -> gather(a, Tensor.of(new int[] {2}), 0));
    }

    @Test
    void broadcastToAndSumTo() {
        Tensor row = f(1, 2, 3);
        Tensor b = broadcastTo(row, 2, 3);
        assertValues(b, 1, 2, 3, 1, 2, 3);
        assertValues(sumTo(b, Shape.of(3)), 2, 4, 6);
        assertValues(sumTo(b, Shape.of(2, 1)), 6, 6);
        assertThrows(IllegalArgumentException.class, () -> broadcastTo(row, 2, 4));
    }

    @Test
    void edgeShapes() {
        Tensor empty = Tensor.zeros(0, 3);
        assertEquals(Shape.of(0, 3), add(empty, f(1, 2, 3)).shape());
        assertValues(sum(empty, 0), 0, 0, 0);
        assertEquals(Shape.of(0), sum(empty, 1).shape());
        Tensor one = Tensor.of(new float[] {4}, 1, 1);
        assertEquals(2, sqrt(one).item(), EPS);
        assertEquals(0, argmax(one, 1).longValue());
        Tensor data = Tensor.range(0, 100 * 2, 1, DType.FLOAT32).reshape(100, 2);
        Tensor last = data.slice(64, 128);
        assertEquals(Shape.of(36, 2), last.shape(), "the last partial batch is clipped, like Python slicing");
        assertEquals(128, last.getDouble(0, 0));
        assertEquals(Shape.of(0, 2), data.slice(300, 364).shape());
        assertValues(sum(last, 0), sumOf(64, 100, 0), sumOf(64, 100, 1));
    }

    private static double sumOf(int fromRow, int toRow, int col) {
        double s = 0;
        for (int r = fromRow; r < toRow; r++) {
            s += 2 * r + col;
        }
        return s;
    }

    @Test
    void errorsNameTheOpAndBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(Tensor.zeros(64, 128), Tensor.zeros(10)));
        assertEquals("add: shapes [64, 128] and [10] cannot be broadcast together", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> matmul(Tensor.zeros(64, 784), Tensor.zeros(748, 128)));
        assertTrue(e.getMessage().startsWith("matmul: shapes [64, 784] and [748, 128]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mul(Tensor.zeros(2), Tensor.zeros(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().startsWith("mul: dtypes differ, float32[2] and float64[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> exp(Tensor.of(new int[] {1})));
        assertTrue(e.getMessage().startsWith("exp: dtype int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sum(Tensor.zeros(2, 2), 2));
        assertTrue(e.getMessage().contains("sum: axis 2 is out of range for shape [2, 2]"), e.getMessage());
    }

    @Test
    void tensorsPrintLikeNumPy() {
        assertEquals("tensor([[1.0, 2.0],\n [3.0, 4.0]], shape=[2, 2], dtype=float32)", m(new float[][] {{1, 2}, {3, 4}}).toString());
        String big = Tensor.zeros(DType.INT64, 2000).toString();
        assertTrue(big.startsWith("tensor([0, 0, 0, ..., 0, 0, 0], shape=[2000], dtype=int64)"), big);
    }

    @Test
    void randomTensorsAreSeeded() {
        Tensor a = Generator.fromSeed(1).normal(new int[] {1000}, 0, 0.1);
        Tensor b = Generator.fromSeed(1).normal(new int[] {1000}, 0, 0.1);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        assertNotEquals(a.getDouble(0), Generator.fromSeed(2).normal(new int[] {1000}, 0, 0.1).getDouble(0));
        double mean = mean(a).item();
        double std = Math.sqrt(mean(square(a.sub(mean))).item());
        assertEquals(0, mean, 0.01);
        assertEquals(0.1, std, 0.01);
        Tensor t = Generator.fromSeed(3).truncatedNormal(new int[] {1000}, 0, 1, DType.FLOAT64);
        assertTrue(max(Ops.maximum(t, neg(t))).item() <= 2);
        Tensor u = Generator.fromSeed(3).uniform(new int[] {1000}, -1, 1);
        assertTrue(max(u).item() < 1 && max(neg(u)).item() <= 1);
    }
}
