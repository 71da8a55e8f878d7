package dev.scratchnet.optim;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Optimizer steps against values computed from Keras' published update rules. */
class OptimizerTest {
    private static final double[][] GRADIENTS = {{0.1, -0.2}, {0.3, 0.1}, {-0.2, 0.4}};

    /** Keras' Adam, written out with plain doubles. */
    private static double[] kerasAdam(double[] w, int steps, double lr, double b1, double b2, double eps) {
        double[] var = w.clone(), m = new double[w.length], v = new double[w.length];
        for (int t = 1; t <= steps; t++) {
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < w.length; i++) {
                double g = GRADIENTS[t - 1][i];
                m[i] += (g - m[i]) * (1 - b1);
                v[i] += (g * g - v[i]) * (1 - b2);
                var[i] -= alpha * m[i] / (Math.sqrt(v[i]) + eps);
            }
        }
        return var;
    }

    private static double[] run(Optimizer optimizer, Variable w, int steps) {
        for (int t = 0; t < steps; t++) {
            Tensor g = Tensor.of(GRADIENTS[t]).cast(w.dtype());
            optimizer.applyGradients(Arrays.asList(g, null), List.of(w, new Variable(Tensor.of(new double[] {7}))));
        }
        return w.value().toDoubleArray();
    }

    @Test
    void adamFirstStepByHand() {
        // Step 1: alpha = 0.001 sqrt(0.001) / 0.1, m = 0.1 g, v = 0.001 g^2, so the step is
        // 0.001 * sqrt(0.001)|g| / (sqrt(0.001)|g| + 1e-7) = 0.001 * 0.0031622777 / 0.0031623777 for |g| = 0.1.
        Variable w = new Variable(Tensor.of(new double[] {1.0, -2.0}));
        double[] after = run(new Adam(), w, 1);
        double step01 = 0.001 * 0.0031622777 / 0.0031623777;
        double step02 = 0.001 * 0.0063245553 / 0.0063246553;
        assertEquals(1.0 - step01, after[0], 1e-12);
        assertEquals(-2.0 + step02, after[1], 1e-12);
    }

    @Test
    void adamMatchesKerasOverThreeStepsInBothPrecisions() {
        double[] expected = kerasAdam(new double[] {1.0, -2.0}, 3, 0.01, 0.9, 0.999, 1e-7);
        assertArrayEquals(expected, run(new Adam(0.01), new Variable(Tensor.of(new double[] {1.0, -2.0})), 3), 1e-12);
        assertArrayEquals(expected, run(new Adam(0.01), new Variable(Tensor.of(new float[] {1.0f, -2.0f})), 3), 1e-6);
    }

    @Test
    void adamUsesKerasEpsilon() {
        // A tiny gradient shows epsilon: with epsilon 1e-7 the step is 0.001 * s / (s + 1e-7) where s = sqrt(0.001) * 1e-6.
        Variable w = new Variable(Tensor.of(new double[] {0}));
        new Adam().applyGradients(List.of(Tensor.of(new double[] {1e-6})), List.of(w));
        double s = Math.sqrt(0.001) * 1e-6;
        assertEquals(-0.001 * s / (s + 1e-7), w.value().item(), 1e-15);
    }

    @Test
    void adamFlushesSubnormalMomentsToZero() {
        // m starts at 0.1 * 1e-35 and shrinks by 0.9 a step: below Float.MIN_NORMAL (1.18e-38) after about 44 steps,
        // where it would otherwise linger as a slow subnormal for another 60-odd steps.
        Variable w = new Variable(Tensor.of(new float[] {0}));
        Adam adam = new Adam();
        adam.applyGradients(List.of(Tensor.of(new float[] {1e-35f})), List.of(w));
        for (int t = 0; t < 60; t++) {
            adam.applyGradients(List.of(Tensor.of(new float[] {0})), List.of(w));
            float m = ((float[]) adam.moments(w).m())[0];
            assertTrue(m == 0 || Math.abs(m) >= Float.MIN_NORMAL, "step " + t + ": subnormal moment " + m);
        }
        assertEquals(0f, ((float[]) adam.moments(w).m())[0]);
    }

    @Test
    void sgdPlainMomentumAndNesterovByHand() {
        double[] ones = {1, 1, 1};
        assertEquals(1 - 3 * 0.1, sgd(new SGD(0.1), ones), 1e-12);
        // velocity -0.1, -0.19, -0.271; weight 1 - 0.1 - 0.19 - 0.271
        assertEquals(0.439, sgd(new SGD(0.1, 0.9, false), ones), 1e-12);
        // Nesterov steps: 0.9 v - 0.1 with v = -0.1, -0.19: -0.19, -0.271
        assertEquals(1 - 0.19 - 0.271, sgd(new SGD(0.1, 0.9, true), new double[] {1, 1}), 1e-12);
    }

    private static double sgd(SGD sgd, double[] gradients) {
        Variable w = new Variable(Tensor.of(new double[] {1}));
        for (double g : gradients) {
            sgd.applyGradients(List.of(Tensor.of(new double[] {g})), List.of(w));
        }
        return w.value().item();
    }

    @Test
    void mismatchedGradientsAreRefusedBeforeAnyUpdate() {
        Variable a = new Variable(Tensor.of(new double[] {1}), "a");
        Variable b = new Variable(Tensor.of(new double[] {1, 2}), "b");
        Adam adam = new Adam();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.applyGradients(List.of(Tensor.of(new double[] {1}), Tensor.of(new double[] {1})), List.of(a, b)));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        assertEquals(1, a.value().item(), "nothing was updated");
        assertEquals(0, adam.iterations());
    }

    private static double[] steps(Optimizer optimizer, double w0, double... gradients) {
        Variable w = new Variable(Tensor.of(new double[] {w0}));
        double[] after = new double[gradients.length];
        for (int i = 0; i < gradients.length; i++) {
            optimizer.applyGradients(List.of(Tensor.of(new double[] {gradients[i]})), List.of(w));
            after[i] = w.value().item();
        }
        return after;
    }

    @Test
    void rmspropByHand() {
        // v1 = 0.1 * 0.25 = 0.025, step 0.01 * 0.5 / sqrt(0.025 + 1e-7); v2 = 0.9 * 0.025 + 0.1 * 1 = 0.1225, step 0.01 * 1 / sqrt(0.1225 + 1e-7)
        double w1 = 1 - 0.01 * 0.5 / Math.sqrt(0.025 + 1e-7);
        double w2 = w1 - 0.01 / Math.sqrt(0.1225 + 1e-7);
        assertArrayEquals(new double[] {w1, w2}, steps(new RMSprop(0.01), 1, 0.5, 1), 1e-12);
        // centered: a1 = 0.05, denominator 0.025 - 0.0025
        double c1 = 1 - 0.01 * 0.5 / Math.sqrt(0.0225 + 1e-7);
        assertEquals(c1, steps(new RMSprop(LearningRateSchedule.constant(0.01), 0.9, 0, 1e-7, true), 1, 0.5)[0], 1e-12);
    }

    @Test
    void adagradByHand() {
        // acc = 0.1 + 0.25 = 0.35, then 0.35 + 1 = 1.35
        double w1 = 1 - 0.1 * 0.5 / Math.sqrt(0.35 + 1e-7);
        double w2 = w1 - 0.1 * 1 / Math.sqrt(1.35 + 1e-7);
        assertArrayEquals(new double[] {w1, w2}, steps(new Adagrad(0.1), 1, 0.5, 1), 1e-12);
    }

    @Test
    void adamWDecaysBeforeTheAdamStep() {
        // w = 2 - 2 * 0.004 * 0.001, then Adam's first step of size 0.001 * s / (s + 1e-7) with s = sqrt(0.001) * 0.5
        double s = Math.sqrt(0.001) * 0.5;
        double expected = 2 - 2 * 0.004 * 0.001 - 0.001 * s / (s + 1e-7);
        assertEquals(expected, steps(new AdamW(), 2, 0.5)[0], 1e-12);
    }

    @Test
    void schedulesFollowKerasFormulas() {
        LearningRateSchedule exp = LearningRateSchedule.exponentialDecay(0.1, 10, 0.5, false);
        assertEquals(0.1 * Math.pow(0.5, 0.5), exp.at(5), 1e-15);
        assertEquals(0.1, LearningRateSchedule.exponentialDecay(0.1, 10, 0.5, true).at(9), 1e-15);
        LearningRateSchedule cos = LearningRateSchedule.cosineDecay(1, 100, 0.1);
        assertEquals(1, cos.at(0), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5, cos.at(50), 1e-12);
        assertEquals(0.1, cos.at(500), 1e-12);
        LearningRateSchedule pw = LearningRateSchedule.piecewiseConstant(new long[] {10, 20}, new double[] {1, 0.5, 0.1});
        assertEquals(1, pw.at(10));
        assertEquals(0.5, pw.at(11));
        assertEquals(0.1, pw.at(21));
        // SGD reads the schedule at the step count before the step: 1, then 0.5
        assertArrayEquals(new double[] {-1, -1.5}, steps(new SGD(LearningRateSchedule.piecewiseConstant(new long[] {0}, new double[] {1, 0.5}), 0, false), 0, 1, 1), 1e-12);
    }

    @Test
    void gradientClipping() {
        assertEquals(-0.5, steps(new SGD(1).clipValue(0.5), 0, 3)[0], 1e-12);
        assertEquals(-2, steps(new SGD(1).clipNorm(2), 0, 3)[0], 1e-12);
        Variable a = new Variable(Tensor.of(new double[] {0})), b = new Variable(Tensor.of(new double[] {0}));
        new SGD(1).globalClipNorm(1).applyGradients(List.of(Tensor.of(new double[] {3}), Tensor.of(new double[] {4})), List.of(a, b));
        assertEquals(-0.6, a.value().item(), 1e-12);
        assertEquals(-0.8, b.value().item(), 1e-12);
    }
}
