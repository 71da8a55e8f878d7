package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;

import static dev.scratchnet.tensor.DType.FLOAT32;
import static dev.scratchnet.tensor.DType.INT32;
import static org.junit.jupiter.api.Assertions.*;

/** The names a TensorFlow or PyTorch user guesses, and TensorFlow's refusal to mix integers with fractions. */
class TensorApiTest {
    @Test
    void anIntegerTensorAndAFractionalScalarDoNotMix() {
        Tensor ints = Tensor.of(new int[] {1, 2});
        for (Runnable mix : new Runnable[] {() -> ints.add(0.5), () -> ints.mul(1.5), () -> ints.sub(-0.25), () -> ints.pow(0.5),
                () -> ints.add(3e10)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, mix::run);
            assertTrue(e.getMessage().contains("int32") && e.getMessage().contains("cast"), e.getMessage());
        }
        assertArrayEquals(new int[] {3, 4}, ints.add(2).toIntArray(), "whole numbers keep the integer dtype");
        assertEquals(INT32, ints.mul(3).dtype());
        assertArrayEquals(new float[] {1.5f, 2.5f}, ints.cast(FLOAT32).add(0.5).toFloatArray());
        assertArrayEquals(new double[] {0.5, 1}, ints.div(2.0).toDoubleArray(), 1e-12, "true division, as x / 2.0 in TensorFlow");
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new boolean[] {true}).add(2));
    }

    @Test
    void powMatchesTheFormulaAndIntegerPowersStayExact() {
        Tensor x = Tensor.of(new double[] {0.5, 2, 9});
        assertArrayEquals(new double[] {0.25, 4, 81}, x.pow(2).toDoubleArray(), 0);
        assertArrayEquals(new double[] {Math.pow(0.5, 0.5), Math.sqrt(2), 3}, x.pow(0.5).toDoubleArray(), 1e-15);
        assertArrayEquals(new long[] {1, 8, 729}, Tensor.of(new long[] {1, 2, 9}).pow(3).toLongArray());
        assertEquals(0, Ops.pow(Tensor.of(new int[] {7}), Tensor.of(new int[] {0})).toIntArray()[0] - 1);
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new int[] {2}).pow(Tensor.of(new int[] {-1})));
    }

    @Test
    void instanceFormsReadLikeTheChapter() {
        Tensor x = Tensor.of(new float[][] {{1, -2}, {3, 4}});
        Tensor w = Tensor.of(new float[][] {{1, 0}, {0, 1}});
        assertArrayEquals(new float[] {1, 0, 3, 4}, x.matmul(w).relu().toFloatArray());
        assertEquals(6, x.sum().item(), 0);
        assertArrayEquals(new float[] {4, 2}, x.sum(0).toFloatArray());
        assertEquals(1.5, x.mean().item(), 0);
        assertArrayEquals(new float[] {-0.5f, 3.5f}, x.mean(1).toFloatArray());
        assertEquals(4, x.max().item(), 0);
        assertArrayEquals(new long[] {0, 1}, x.argmax(1).toLongArray());
        assertArrayEquals(new float[] {1, 3, -2, 4}, x.transpose().toFloatArray());
        assertArrayEquals(Ops.softmax(x).toFloatArray(), x.softmax().toFloatArray());
        assertArrayEquals(Ops.tanh(x).toFloatArray(), x.tanh().toFloatArray());
        assertArrayEquals(Ops.sigmoid(x).toFloatArray(), x.sigmoid().toFloatArray());
        assertArrayEquals(new float[] {1, 4, 9, 16}, x.square().toFloatArray());
    }

    @Test
    void threeAxisTensorsAndBatchedProducts() {
        Tensor a = Tensor.of(new float[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
        assertEquals(dev.scratchnet.tensor.Shape.of(2, 2, 2), a.shape());
        Tensor b = Tensor.of(new float[][][] {{{1, 0}, {0, 1}}, {{2, 0}, {0, 2}}});
        // each pair by hand: the identity, then twice the identity
        assertArrayEquals(new float[] {1, 2, 3, 4, 10, 12, 14, 16}, a.matmul(b).toFloatArray());
        Tensor m = Tensor.of(new float[][] {{0, 1}, {1, 0}});
        assertArrayEquals(new float[] {2, 1, 4, 3, 6, 5, 8, 7}, a.matmul(m).toFloatArray(), "a stack times one matrix");
        assertArrayEquals(new float[] {2, 4, 1, 3, 6, 8, 5, 7}, Ops.matmul(m, a, true, true).toFloatArray(), "broadcast on the left, transposed");
        assertEquals(DType.FLOAT64, Tensor.of(new double[][][] {{{1}}}).dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(3, 2, 2)));
        assertTrue(e.getMessage().contains("batch axes"), e.getMessage());
    }

    @Test
    void oneWayToMakeEachKindOfTensor() {
        assertArrayEquals(new float[] {0, 0, 0}, Tensor.zeros(3).toFloatArray());
        assertEquals(DType.INT64, Tensor.zeros(DType.INT64, 2, 2).dtype());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).toFloatArray());
        assertArrayEquals(new double[] {7, 7}, Tensor.fill(DType.FLOAT64, 7, 2).toDoubleArray(), 0);
        assertArrayEquals(new int[] {0, 1, 2}, Tensor.range(3).toIntArray());
    }
}
