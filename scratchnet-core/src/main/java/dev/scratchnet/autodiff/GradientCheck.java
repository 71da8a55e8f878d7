package dev.scratchnet.autodiff;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Compares the tape's gradients of a function with central finite differences: the tool to check a custom op or
 * loss. Use float64 inputs; the function may return a tensor of any shape, which is reduced to a scalar by a
 * fixed random weighting so that every output element is checked.
 *
 * <p>The error of one element is {@code |analytic - numeric| / max(1, |numeric|)}: absolute for small
 * gradients, relative for large ones.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** The worst disagreement found: which input and element, and both values there. */
    public record Result(double maxError, int input, int element, double analytic, double numeric) {
        @Override
        public String toString() {
            return String.format("worst error %.3g at input %d, element %d: tape gave %.10g, finite differences %.10g",
                    maxError, input, element, analytic, numeric);
        }
    }

    /**
     * Checks the gradient of {@code f} at {@code inputs} with step {@code 1e-6}.
     *
     * @param f the function of the inputs
     * @param inputs the inputs
     * @return the largest error and where it was
     */
    public static Result check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(f, inputs, 1e-6);
    }

    /**
     * Compares the tape's gradient of {@code f} with central differences of step {@code step}, in float64.
     *
     * @param f the function of the inputs
     * @param inputs the inputs
     * @param step the finite-difference step
     * @return the largest error and where it was
     */
    public static Result check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double step) {
        for (Tensor t : inputs) {
            if (t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradientCheck: inputs must be float64 for accurate finite differences, got " + t.dtype() + t.shape());
            }
        }
        Tensor probe = f.apply(inputs);
        Tensor weights = Generator.fromSeed(7).uniform(probe.shape().dims(), 0.5, 1.5, DType.FLOAT64);
        Function<List<Tensor>, Double> scalar = xs -> Ops.sum(Ops.mul(f.apply(xs), weights)).item();

        List<Tensor> analytic;
        try (GradientTape tape = new GradientTape()) {
            inputs.forEach(tape::watch);
            Tensor y = Ops.sum(Ops.mul(f.apply(inputs), weights));
            analytic = tape.gradient(y, inputs, null, UnconnectedGradients.ZERO);
        }
        Result worst = new Result(0, -1, -1, 0, 0);
        for (int i = 0; i < inputs.size(); i++) {
            double[] x = inputs.get(i).toDoubleArray();
            double[] a = analytic.get(i).toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                double numeric = (scalar.apply(replace(inputs, i, x, j, x[j] + step)) - scalar.apply(replace(inputs, i, x, j, x[j] - step))) / (2 * step);
                double error = Math.abs(a[j] - numeric) / Math.max(1, Math.abs(numeric));
                if (error > worst.maxError() || worst.input() < 0) {
                    worst = new Result(error, i, j, a[j], numeric);
                }
            }
        }
        return worst;
    }

    /**
     * Checks and throws an {@link AssertionError} naming the worst element when the error exceeds {@code tolerance}.
     *
     * @param f the function of the inputs
     * @param inputs the inputs
     * @param tolerance the largest error allowed
     */
    public static void assertGradients(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double tolerance) {
        Result r = check(f, inputs);
        if (!(r.maxError() <= tolerance)) {
            throw new AssertionError("gradient check failed (tolerance " + tolerance + "): " + r);
        }
    }

    private static List<Tensor> replace(List<Tensor> inputs, int i, double[] values, int j, double v) {
        double[] copy = values.clone();
        copy[j] = v;
        List<Tensor> out = new ArrayList<>(inputs);
        out.set(i, Tensor.fromArray(copy, inputs.get(i).shape()));
        return out;
    }
}
