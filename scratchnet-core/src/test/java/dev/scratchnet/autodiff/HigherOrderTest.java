package dev.scratchnet.autodiff;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.GradientRule;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static dev.scratchnet.op.Ops.*;
import static org.junit.jupiter.api.Assertions.*;

/** Nested tapes, custom gradients, Jacobians and checkNumerics. */
class HigherOrderTest {
    private static final Generator RANDOM = Generator.fromSeed(21);

    /** d/dx of the input gradient of f, at x, with nested tapes. */
    private static Tensor secondDerivative(Function<Tensor, Tensor> f, Tensor x) {
        try (GradientTape outer = new GradientTape()) {
            outer.watch(x);
            Tensor dy;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                dy = inner.gradient(f.apply(x), x);
            }
            return outer.gradient(dy, x);
        }
    }

    private static void assertSecondDerivative(Function<Tensor, Tensor> f, DoubleUnaryOperator formula, double... at) {
        Tensor x = Tensor.of(at);
        double[] got = secondDerivative(f, x).toDoubleArray();
        for (int i = 0; i < at.length; i++) {
            assertEquals(formula.applyAsDouble(at[i]), got[i], 1e-9 * Math.max(1, Math.abs(got[i])), "at " + at[i]);
        }
    }

    @Test
    void secondDerivativesMatchTheirFormulas() {
        double[] xs = {-1.5, -0.3, 0.4, 2.0};
        assertSecondDerivative(x -> mul(mul(x, x), x).sub(x.mul(2)), x -> 6 * x, xs);
        assertSecondDerivative(x -> square(square(x)), x -> 12 * x * x, xs);
        assertSecondDerivative(x -> exp(x), Math::exp, xs);
        assertSecondDerivative(x -> tanh(x), x -> -2 * Math.tanh(x) * (1 - Math.tanh(x) * Math.tanh(x)), xs);
        assertSecondDerivative(x -> sigmoid(x), x -> {
            double s = 1 / (1 + Math.exp(-x));
            return s * (1 - s) * (1 - 2 * s);
        }, xs);
        assertSecondDerivative(x -> log(x), x -> -1 / (x * x), 0.5, 1, 3);
        assertSecondDerivative(x -> sqrt(x), x -> -0.25 * Math.pow(x, -1.5), 0.5, 1, 3);
        assertSecondDerivative(x -> div(Tensor.scalar(1, DType.FLOAT64), x), x -> 2 / (x * x * x), 0.5, 1, 3);
    }

    /** The gradient's gradient of every differentiable op, checked with finite differences of the tape's gradient. */
    @Test
    void secondOrderGradientChecks() {
        List<Function<Tensor, Tensor>> ops = List.of(
                x -> exp(x), x -> log(add(square(x), Tensor.scalar(1, DType.FLOAT64))), x -> tanh(x), x -> sigmoid(x),
                x -> mul(x, x), x -> div(x, add(square(x), Tensor.scalar(2, DType.FLOAT64))), x -> softmax(x), x -> logSoftmax(x),
                x -> matmul(x, transpose(x)), x -> sum(square(x), 0), x -> mean(square(x), 1), x -> max(mul(x, x), 1),
                x -> sparseSoftmaxCrossEntropyWithLogits(x, Tensor.of(new long[] {2, 0, 1})),
                x -> gather(square(x), Tensor.of(new int[] {1, 1}), 0), x -> concat(List.of(square(x), x), 1),
                x -> broadcastTo(reshape(square(x), 3, 1, 3), 3, 2, 3), x -> relu(x).mul(x), x -> maximum(square(x), x),
                x -> pow(add(square(x), Tensor.scalar(1, DType.FLOAT64)), x), x -> matmul(reshape(x, 3, 1, 3), reshape(x, 3, 3, 1)));
        Tensor x = RANDOM.uniform(new int[] {3, 3}, -1.5, 1.5, DType.FLOAT64);
        Tensor w = RANDOM.uniform(new int[] {3, 3}, 0.5, 1.5, DType.FLOAT64);
        for (int i = 0; i < ops.size(); i++) {
            Function<Tensor, Tensor> op = ops.get(i);
            Function<List<Tensor>, Tensor> gradientOf = v -> {
                try (GradientTape inner = new GradientTape()) {
                    inner.watch(v.get(0));
                    return mul(inner.gradient(op.apply(v.get(0)), v.get(0)), w);
                }
            };
            GradientCheck.Result r = GradientCheck.check(gradientOf, List.of(x));
            assertTrue(r.maxError() < 1e-5, "op " + i + ": " + r);
        }
    }

    @Test
    void theHessianOfAQuadraticFormIsItsSymmetrisedMatrix() {
        Tensor a = Tensor.of(new double[][] {{2, 1, 0}, {3, 4, -1}, {0.5, 0, 1}});
        Tensor x = Tensor.of(new double[] {0.3, -0.7, 1.1}, 3, 1);
        try (GradientTape outer = new GradientTape(true)) {
            outer.watch(x);
            Tensor g;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                g = inner.gradient(matmul(matmul(x, a, true, false), x), x);
            }
            Tensor hessian = reshape(outer.jacobian(g, x), 3, 3);
            Tensor expected = add(a, transpose(a));
            assertArrayEquals(expected.toDoubleArray(), hessian.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void aGradientPenaltyTrains() {
        // WGAN-GP style: push the norm of the critic's input gradient towards 1. The critic x·w has input gradient w
        // in every row, so the penalty (|w| - 1)^2 can reach 0; its gradient flows through matmul's gradient rule.
        Variable w = new Variable(RANDOM.normal(new int[] {4, 1}, 0, 0.1, DType.FLOAT64), "w");
        Tensor x = RANDOM.normal(new int[] {16, 4}, 0, 1, DType.FLOAT64);
        Adam adam = new Adam(0.05);
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++) {
            try (GradientTape tape = new GradientTape()) {
                Tensor inputGrad;
                try (GradientTape inner = new GradientTape()) {
                    inner.watch(x);
                    inputGrad = inner.gradient(sum(matmul(x, w)), x);
                }
                Tensor norms = sqrt(sum(square(inputGrad), 1));
                Tensor penalty = mean(square(sub(norms, Tensor.scalar(1, DType.FLOAT64))));
                adam.applyGradients(tape.gradient(penalty, List.of(w)), List.of(w));
                last = penalty.item();
                first = step == 0 ? last : first;
            }
        }
        assertTrue(first > 0.4 && last < 1e-4, "penalty " + first + " -> " + last);
    }

    @Test
    void customGradientsReplaceTheRule() {
        // log(1 + exp(x)) with the stable gradient sigmoid(x), where the naive formula overflows.
        Function<Tensor, Tensor> softplus = x -> customGradient("softplus", List.of(x),
                in -> log(add(exp(in.get(0)), Tensor.scalar(1, DType.FLOAT64))),
                (dy, in, y, needed) -> new Tensor[] {mul(dy, sigmoid(in[0]))});
        Tensor x = Tensor.of(new double[] {-3, 0, 2, 800});
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = softplus.apply(x);
            assertEquals(1, tape.toString().split("\n").length - 1, "the forward computation is one recorded op:\n" + tape);
            double[] g = tape.gradient(y, x).toDoubleArray();
            assertArrayEquals(new double[] {1 / (1 + Math.exp(3)), 0.5, 1 / (1 + Math.exp(-2)), 1}, g, 1e-12);
        }
        GradientCheck.assertGradients(v -> softplus.apply(v.get(0)), List.of(Tensor.of(new double[] {-1, 0.5, 2})), 1e-6);
        assertSecondDerivative(softplus::apply, v -> Math.exp(-v) / Math.pow(1 + Math.exp(-v), 2), -1, 0.5, 2);
    }

    @Test
    void aGradientClippingIdentity() {
        GradientRule clip = (dy, in, y, needed) -> new Tensor[] {minimum(maximum(dy, Tensor.scalar(-1, DType.FLOAT64)), Tensor.scalar(1, DType.FLOAT64))};
        Tensor x = Tensor.of(new double[] {1, 2, 3});
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = customGradient("clipGradient", List.of(x), in -> in.get(0), clip);
            assertArrayEquals(new double[] {-1, 0.5, 1}, tape.gradient(mul(y, Tensor.of(new double[] {-5, 0.5, 7})), x).toDoubleArray(), 0);
        }
    }

    @Test
    void jacobiansMatchFiniteDifferences() {
        Tensor x = RANDOM.uniform(new int[] {3}, -1, 1, DType.FLOAT64);
        Tensor m = RANDOM.uniform(new int[] {2, 3}, -1, 1, DType.FLOAT64);
        Function<Tensor, Tensor> f = v -> tanh(matmul(m, reshape(v, 3, 1)));
        Tensor jacobian;
        try (GradientTape tape = new GradientTape(true)) {
            tape.watch(x);
            jacobian = tape.jacobian(f.apply(x), x);
        }
        assertEquals(Shape.of(2, 1, 3), jacobian.shape());
        double h = 1e-6;
        for (int j = 0; j < 3; j++) {
            double[] plus = x.toDoubleArray(), minus = x.toDoubleArray();
            plus[j] += h;
            minus[j] -= h;
            double[] fp = f.apply(Tensor.of(plus)).toDoubleArray(), fm = f.apply(Tensor.of(minus)).toDoubleArray();
            for (int i = 0; i < 2; i++) {
                assertEquals((fp[i] - fm[i]) / (2 * h), jacobian.getDouble(i, 0, j), 1e-8);
            }
        }
    }

    @Test
    void batchJacobiansGiveOneJacobianPerExample() {
        Tensor x = RANDOM.uniform(new int[] {4, 3}, -1, 1, DType.FLOAT64);
        Tensor w = RANDOM.uniform(new int[] {3, 2}, -1, 1, DType.FLOAT64);
        Tensor batch, full;
        try (GradientTape tape = new GradientTape(true)) {
            tape.watch(x);
            Tensor y = sigmoid(matmul(x, w));
            batch = tape.batchJacobian(y, x);
            full = tape.jacobian(y, x);
        }
        assertEquals(Shape.of(4, 2, 3), batch.shape());
        for (int b = 0; b < 4; b++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(full.getDouble(b, i, b, j), batch.getDouble(b, i, j), 1e-15);
                }
            }
        }
    }

    @Test
    void checkNumericsNamesTheProblemInBothDirections() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> checkNumerics(log(Tensor.of(new double[] {1, -1})), "after log"));
        assertTrue(e.getMessage().contains("after log: NaN at flat index 1"), e.getMessage());
        Tensor x = Tensor.of(new double[] {0});
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = sqrt(checkNumerics(x, "sqrt input"));
            e = assertThrows(ArithmeticException.class, () -> tape.gradient(y, x));
            assertTrue(e.getMessage().contains("sqrt input (gradient): infinity"), e.getMessage());
        }
    }
}
