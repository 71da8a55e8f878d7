package dev.scratchnet.autodiff;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchnet.op.Ops.*;
import static org.junit.jupiter.api.Assertions.*;

/** TensorFlow's tape semantics. */
class GradientTapeTest {
    private static Tensor d(double... v) {
        return Tensor.of(v);
    }

    @Test
    void trainableVariablesAreWatchedAutomatically() {
        Variable w = new Variable(d(1, 2, 3), "w");
        Variable frozen = new Variable(d(1, 1, 1), "frozen", false);
        Tensor x = d(4, 5, 6);
        try (GradientTape tape = new GradientTape()) {
            Tensor y = sum(mul(mul(w, x), frozen));
            List<Tensor> g = tape.gradient(y, List.of(w, frozen, x));
            assertArrayEquals(new double[] {4, 5, 6}, g.get(0).toDoubleArray());
            assertNull(g.get(1), "a non-trainable variable is not watched");
            assertNull(g.get(2), "a plain tensor is not watched unless asked");
        }
    }

    @Test
    void watchedTensorsAndANonScalarTargetIsSummed() {
        Tensor x = d(1, 2, 3);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = square(x);
            assertArrayEquals(new double[] {2, 4, 6}, tape.gradient(y, x).toDoubleArray());
        }
    }

    @Test
    void unconnectedSourcesGiveNullOrZeros() {
        Tensor x = d(1, 2), z = d(3, 4);
        try (GradientTape tape = new GradientTape(true)) {
            tape.watch(x);
            tape.watch(z);
            Tensor y = sum(square(x));
            assertNull(tape.gradient(y, z));
            Tensor zeros = tape.gradient(y, List.of(z), null, UnconnectedGradients.ZERO).get(0);
            assertArrayEquals(new double[] {0, 0}, zeros.toDoubleArray());
        }
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = d(3);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = add(mul(x, x), x);
            assertEquals(7, tape.gradient(y, x).item(), 1e-12);
        }
    }

    @Test
    void theFusedCrossEntropyGradientEqualsTheComposedOneToTheBit() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor logits = dev.scratchnet.op.Generator.fromSeed(4).normal(new int[] {7, 5}, 0, 3).cast(dtype);
            Tensor labels = Tensor.of(new long[] {0, 4, 2, 2, 1, 3, 0}, 7);
            Tensor fused, composed;
            try (GradientTape tape = new GradientTape()) {
                tape.watch(logits);
                fused = tape.gradient(mean(sparseSoftmaxCrossEntropyWithLogits(logits, labels)), logits);
            }
            try (GradientTape outer = new GradientTape(); GradientTape inner = new GradientTape()) {
                outer.watch(logits);
                inner.watch(logits);
                composed = inner.gradient(mean(sparseSoftmaxCrossEntropyWithLogits(logits, labels)), logits);
                assertTrue(outer.toString().contains("softmax"), "the outer tape recorded the composed gradient:\n" + outer);
            }
            assertArrayEquals(composed.toDoubleArray(), fused.toDoubleArray(), 0.0, dtype.toString());
            assertTrue(Math.abs(fused.toDoubleArray()[0]) > 0);
        }
    }

    @Test
    void reusedGradientBuffersTrainToTheSameBitsAndAreReallyReused() {
        List<float[]> fresh = trainThreeSteps(false), reused = trainThreeSteps(true);
        for (int i = 0; i < fresh.size(); i++) {
            assertArrayEquals(fresh.get(i), reused.get(i), "variable " + i);
        }
        Variable w = new Variable(dev.scratchnet.op.Generator.fromSeed(1).normal(new int[] {30, 20}, 0, 1), "w");
        Tensor x = dev.scratchnet.op.Generator.fromSeed(2).normal(new int[] {8, 30}, 0, 1);
        for (int step = 0; step < 2; step++) {
            try (GradientTape tape = new GradientTape().reuseGradientBuffers()) {
                Tensor g = tape.gradient(sum(matmul(x, w)), w);
                assertSame(w.gradientBuffer(), g.data(), "the weight gradient is written into the variable's buffer");
            }
        }
        Tensor jacobian;
        try (GradientTape tape = new GradientTape().reuseGradientBuffers()) {
            jacobian = tape.jacobian(matmul(x.slice(0, 2), w), w);
        }
        try (GradientTape tape = new GradientTape()) {
            assertArrayEquals(tape.jacobian(matmul(x.slice(0, 2), w), w).toFloatArray(), jacobian.toFloatArray(),
                    "a Jacobian's rows do not share a buffer");
        }
        try (GradientTape persistent = new GradientTape(true)) {
            assertThrows(IllegalStateException.class, persistent::reuseGradientBuffers);
        }
    }

    /** Three Adam steps of a two-layer network whose second weight matrix is read twice; the final weights. */
    private static List<float[]> trainThreeSteps(boolean reuse) {
        dev.scratchnet.op.Generator random = dev.scratchnet.op.Generator.fromSeed(3);
        Variable w1 = new Variable(random.normal(new int[] {30, 20}, 0, 0.3), "w1");
        Variable w2 = new Variable(random.normal(new int[] {20, 20}, 0, 0.3), "w2");
        Tensor x = random.normal(new int[] {16, 30}, 0, 1);
        Tensor labels = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 16);
        dev.scratchnet.optim.Adam adam = new dev.scratchnet.optim.Adam(0.01);
        List<Variable> params = List.of(w1, w2);
        for (int step = 0; step < 3; step++) {
            GradientTape tape = reuse ? new GradientTape().reuseGradientBuffers() : new GradientTape();
            try (tape) {
                Tensor hidden = relu(matmul(x, w1));
                Tensor logits = matmul(relu(matmul(hidden, w2)), w2);
                adam.applyGradients(tape.gradient(mean(sparseSoftmaxCrossEntropyWithLogits(logits, labels)), params), params);
            }
        }
        return List.of(w1.value().toFloatArray(), w2.value().toFloatArray());
    }

    @Test
    void nonPersistentTapesAllowOneGradientCall() {
        Tensor x = d(2);
        GradientTape tape = new GradientTape();
        tape.watch(x);
        Tensor y = square(x);
        tape.close();
        assertEquals(4, tape.gradient(y, x).item(), 1e-12, "gradient works after the tape is closed, as outside a with-block");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.gradient(y, x));
        assertTrue(e.getMessage().contains("non-persistent"), e.getMessage());
    }

    @Test
    void persistentTapesAllowSeveralCalls() {
        Tensor x = d(2);
        try (GradientTape tape = new GradientTape(true)) {
            tape.watch(x);
            Tensor y = square(x);
            Tensor z = mul(y, y);
            assertEquals(4, tape.gradient(y, x).item(), 1e-12);
            assertEquals(32, tape.gradient(z, x).item(), 1e-12);
        }
    }

    @Test
    void stopGradientBlocksTheFlow() {
        Tensor x = d(2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = add(square(x), stopGradient(square(x)));
            assertEquals(4, tape.gradient(y, x).item(), 1e-12);
        }
    }

    @Test
    void integerOutputsCarryNoGradient() {
        Tensor x = d(1.5, 2.5);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor i = cast(x, DType.INT32);
            Tensor back = cast(i, DType.FLOAT64);
            assertNull(tape.gradient(sum(back), x));
        }
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            assertNull(tape.gradient(argmax(x, 0), x));
        }
    }

    @Test
    void opsOutsideTheTapeAreNotRecorded() {
        Variable w = new Variable(d(1, 2));
        Tensor before = square(w);
        try (GradientTape tape = new GradientTape()) {
            Tensor y = sum(mul(before, w));
            assertArrayEquals(new double[] {1, 4}, tape.gradient(y, w).toDoubleArray());
        }
        Tensor after = square(w);
        assertNotNull(after);
    }

    @Test
    void onlyTheRequestedGradientsAreComputed() {
        Tensor x = Tensor.ones(DType.FLOAT64, 64, 784);
        Variable w = new Variable(Tensor.ones(DType.FLOAT64, 784, 2));
        try (GradientTape tape = new GradientTape(true)) {
            Tensor y = sum(matmul(x, w));
            tape.gradient(y, w);
            String recorded = tape.toString();
            assertTrue(recorded.contains("matmul(float64[64, 784], float64[784, 2]*)"), recorded);
            assertNull(tape.gradient(y, x), "the input batch was never watched");
        }
    }

    @Test
    void closedTapesRefuseToWatch() {
        GradientTape tape = new GradientTape();
        tape.close();
        assertThrows(IllegalStateException.class, () -> tape.watch(d(1)));
    }

    @Test
    void nestedTapesGiveSecondDerivatives() {
        Tensor x = d(2);
        try (GradientTape outer = new GradientTape()) {
            outer.watch(x);
            Tensor dy;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                Tensor y = mul(mul(x, x), x);
                dy = inner.gradient(y, x);
            }
            assertEquals(12, dy.item(), 1e-12);
            assertEquals(12, outer.gradient(dy, x).item(), 1e-12);
        }
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = d(1);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x;
            for (int i = 0; i < 100_000; i++) {
                y = add(y, x);
            }
            assertEquals(100_001, tape.gradient(y, x).item(), 1e-9);
        }
    }

    @Test
    void variableReadsAfterAssignmentAllCount() {
        Variable v = new Variable(d(1));
        try (GradientTape tape = new GradientTape()) {
            Tensor a = mul(v, d(2));
            v.assign(d(5));
            Tensor b = mul(v, d(3));
            assertEquals(5, tape.gradient(add(a, b), v).item(), 1e-12);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.assign(d(1, 2)));
        assertTrue(e.getMessage().contains("float64[1]") && e.getMessage().contains("float64[2]"), e.getMessage());
        assertEquals(5, v.value().item(), "a rejected assignment leaves the variable as it was");
    }
}
