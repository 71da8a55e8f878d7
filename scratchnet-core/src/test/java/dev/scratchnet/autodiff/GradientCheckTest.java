package dev.scratchnet.autodiff;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static dev.scratchnet.op.Ops.*;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A float64 finite-difference check of the gradient of every differentiable op, broadcasting included. */
class GradientCheckTest {
    private static final double TOLERANCE = 1e-6;
    private static final Generator RANDOM = Generator.fromSeed(11);

    private static Tensor rand(int... dims) {
        return RANDOM.uniform(dims, -2, 2, DType.FLOAT64);
    }

    private static Tensor positive(int... dims) {
        return RANDOM.uniform(dims, 0.5, 3, DType.FLOAT64);
    }

    private static void check(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradientCheck.assertGradients(f, List.of(inputs), TOLERANCE);
    }

    @Test
    void binaryOpsWithBroadcasting() {
        for (int[][] shapes : new int[][][] {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{}, {3}}}) {
            Tensor a = rand(shapes[0]), b = rand(shapes[1]);
            check(x -> add(x.get(0), x.get(1)), a, b);
            check(x -> sub(x.get(0), x.get(1)), a, b);
            check(x -> mul(x.get(0), x.get(1)), a, b);
            check(x -> div(x.get(0), x.get(1)), a, positive(shapes[1]));
            check(x -> maximum(x.get(0), x.get(1)), a, b);
            check(x -> minimum(x.get(0), x.get(1)), a, b);
        }
    }

    @Test
    void powForBothOperandsWithBroadcasting() {
        check(v -> pow(v.get(0), v.get(1)), positive(3, 4), rand(4));
        check(v -> pow(v.get(0), v.get(1)), rand(2, 3), Tensor.of(new double[] {2, 3, 1}));
        check(v -> v.get(0).pow(3), rand(3, 2));
    }

    @Test
    void batchedMatmulWithBroadcastBatchesAndTransposes() {
        check(v -> matmul(v.get(0), v.get(1)), rand(2, 3, 4), rand(2, 4, 5));
        check(v -> matmul(v.get(0), v.get(1)), rand(2, 3, 4), rand(4, 5));
        check(v -> matmul(v.get(0), v.get(1)), rand(2, 1, 3, 4), rand(3, 4, 2));
        check(v -> matmul(v.get(0), v.get(1), true, true), rand(2, 4, 3), rand(2, 5, 4));
        check(v -> matmul(v.get(0), v.get(1), false, true), rand(2, 3, 4), rand(5, 4));
    }

    @Test
    void unaryOps() {
        Tensor x = rand(3, 5);
        check(v -> neg(v.get(0)), x);
        check(v -> exp(v.get(0)), x);
        check(v -> log(v.get(0)), positive(3, 5));
        check(v -> sqrt(v.get(0)), positive(3, 5));
        check(v -> square(v.get(0)), x);
        check(v -> relu(v.get(0)), x);
        check(v -> sigmoid(v.get(0)), x);
        check(v -> tanh(v.get(0)), x);
        check(v -> v.get(0).mul(3).add(1).div(2.5).sub(4), x);
    }

    @Test
    void reductions() {
        Tensor x = rand(2, 3, 4);
        check(v -> sum(v.get(0)), x);
        check(v -> sum(v.get(0), 1), x);
        check(v -> sum(v.get(0), new int[] {0, 2}, true), x);
        check(v -> mean(v.get(0)), x);
        check(v -> mean(v.get(0), -1), x);
        check(v -> max(v.get(0)), x);
        check(v -> max(v.get(0), new int[] {1}, true), x);
        check(v -> max(v.get(0), 0, 2), x);
    }

    @Test
    void maxSharesTheGradientAmongTies() {
        Tensor x = Tensor.of(new double[] {1, 3, 3});
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor g = tape.gradient(max(x), x);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.5, 0.5}, g.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void matmulInAllLayouts() {
        Tensor a = rand(3, 4), b = rand(4, 5);
        check(v -> matmul(v.get(0), v.get(1)), a, b);
        check(v -> matmul(v.get(0), v.get(1), true, false), rand(4, 3), b);
        check(v -> matmul(v.get(0), v.get(1), false, true), a, rand(5, 4));
        check(v -> matmul(v.get(0), v.get(1), true, true), rand(4, 3), rand(5, 4));
    }

    @Test
    void neuralNetworkOps() {
        Tensor logits = rand(4, 5);
        check(v -> softmax(v.get(0)), logits);
        check(v -> logSoftmax(v.get(0)), logits);
        Tensor labels = Tensor.of(new long[] {0, 4, 2, 2});
        check(v -> sparseSoftmaxCrossEntropyWithLogits(v.get(0), labels), logits);
        check(v -> softmaxCrossEntropyWithLogits(v.get(0), v.get(1)), logits, softmax(rand(4, 5)));
        check(v -> sparseSoftmaxCrossEntropyWithLogits(v.get(0), Tensor.of(new int[] {1, 0, 2, 1, 0, 0}, 2, 3)), rand(2, 3, 3));
    }

    @Test
    void shapeOps() {
        Tensor x = rand(2, 3, 4);
        check(v -> reshape(v.get(0), 4, -1), x);
        check(v -> expandDims(v.get(0), 1), x);
        check(v -> transpose(v.get(0), 1, 2, 0), x);
        check(v -> transpose(v.get(0)), rand(3, 4));
        check(v -> broadcastTo(v.get(0), 2, 3, 4), rand(3, 1));
        check(v -> concat(List.of(v.get(0), v.get(1)), 1), rand(2, 3), rand(2, 2));
        check(v -> narrow(v.get(0), 2, 1, 2), x);
        check(v -> gather(v.get(0), Tensor.of(new int[] {2, 0, 2}), 0), rand(3, 4));
        check(v -> gather(v.get(0), Tensor.of(new long[] {3, 3, 1}), 1), rand(2, 4));
    }

    @Test
    void castPassesTheGradientBackInTheSourceDType() {
        // float32 is too coarse for finite differences, so this one is checked by hand: d/dx sum(3 * cast(x)) = 3.
        Tensor x = rand(2, 2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor g = tape.gradient(sum(cast(x, DType.FLOAT32).mul(3)), x);
            org.junit.jupiter.api.Assertions.assertEquals(DType.FLOAT64, g.dtype());
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {3, 3, 3, 3}, g.toDoubleArray(), 0);
        }
    }

    @Test
    void aTwoLayerNetwork() {
        Tensor labels = Tensor.of(new long[] {1, 0, 2});
        check(v -> Ops.mean(sparseSoftmaxCrossEntropyWithLogits(
                matmul(relu(matmul(v.get(0), v.get(1)).add(v.get(2))), v.get(3)).add(v.get(4)), labels)),
                rand(3, 4), rand(4, 5), rand(5), rand(5, 3), rand(3));
    }

    @Test
    void theCheckerCatchesAWrongGradient() {
        // stopGradient hides the dependence on x from the tape, so the tape's gradient (0) is wrong.
        Function<List<Tensor>, Tensor> wrong = v -> mul(v.get(0), stopGradient(v.get(0)));
        AssertionError e = assertThrows(AssertionError.class, () -> check(wrong, rand(3)));
        assertTrue(e.getMessage().contains("gradient check failed"), e.getMessage());
    }
}
