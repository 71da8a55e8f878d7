package dev.scratchnet.optim;

import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Profiler;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Updates variables from their gradients, like a Keras optimizer: {@code applyGradients(grads, vars)} is
 * {@code optimizer.apply_gradients(zip(grads, vars))}. Per-variable state (moments) is created on first use.
 * The learning rate may follow a {@link LearningRateSchedule}; gradients may be clipped first, as Keras'
 * {@code clipvalue}, {@code clipnorm} and {@code global_clipnorm} do.
 *
 * <p>Thread safety: an optimizer keeps per-variable state and its step count, and is used by one training thread.
 * Other threads may read the variables it updates meanwhile: see {@link Variable}.
 */
public abstract class Optimizer {
    private final Map<Variable, Object> slots = new IdentityHashMap<>();
    private final LearningRateSchedule schedule;
    private long iterations;
    private double clipValue = Double.NaN;
    private double clipNorm = Double.NaN;
    private double globalClipNorm = Double.NaN;

    /**
     * An optimizer whose learning rate follows {@code schedule}.
     *
     * @param schedule the learning rate at each step
     */
    protected Optimizer(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    /**
     * Clips every gradient element to {@code [-value, value]} before the update.
     *
     * @param value the value
     * @return this optimizer
     */
    public Optimizer clipValue(double value) {
        this.clipValue = requirePositive("clipValue", value);
        return this;
    }

    /**
     * Scales each gradient down so that its own norm is at most {@code norm}.
     *
     * @param norm the largest norm allowed
     * @return this optimizer
     */
    public Optimizer clipNorm(double norm) {
        this.clipNorm = requirePositive("clipNorm", norm);
        return this;
    }

    /**
     * Scales all gradients together so that their global norm is at most {@code norm}.
     *
     * @param norm the largest norm allowed
     * @return this optimizer
     */
    public Optimizer globalClipNorm(double norm) {
        this.globalClipNorm = requirePositive("globalClipNorm", norm);
        return this;
    }

    private static double requirePositive(String what, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
        return v;
    }

    /**
     * The learning rate of the step being applied.
     *
     * @return the learning rate of the step being applied
     */
    protected double learningRate() {
        return schedule.at(iterations - 1);
    }

    /**
     * Applies one step: each gradient to the variable at the same position; null gradients are skipped.
     *
     * @param gradients the gradients, in the variables' order
     * @param variables the variables, in order
     */
    public void applyGradients(List<Tensor> gradients, List<Variable> variables) {
        if (gradients.size() != variables.size()) {
            throw new IllegalArgumentException("applyGradients: " + gradients.size() + " gradients for " + variables.size() + " variables");
        }
        for (int i = 0; i < gradients.size(); i++) {
            Tensor g = gradients.get(i);
            Variable v = variables.get(i);
            if (g != null && (!g.shape().equals(v.shape()) || g.dtype() != v.dtype())) {
                throw new IllegalArgumentException("applyGradients: gradient " + g.dtype() + g.shape() + " does not match variable '"
                        + v.name() + "' " + v.dtype() + v.shape());
            }
        }
        iterations++;
        long started = Profiler.enter();
        List<Tensor> clipped = clip(gradients);
        for (int i = 0; i < clipped.size(); i++) {
            if (clipped.get(i) != null) {
                update(variables.get(i), clipped.get(i));
            }
        }
        Profiler.exit(getClass().getSimpleName() + " update", started);
    }

    private List<Tensor> clip(List<Tensor> gradients) {
        if (Double.isNaN(clipValue) && Double.isNaN(clipNorm) && Double.isNaN(globalClipNorm)) {
            return gradients;
        }
        List<Tensor> out = new java.util.ArrayList<>(gradients);
        for (int i = 0; i < out.size(); i++) {
            Tensor g = out.get(i);
            if (g != null && !Double.isNaN(clipValue)) {
                g = Nn.clipByValue(g, -clipValue, clipValue);
            }
            if (g != null && !Double.isNaN(clipNorm)) {
                g = Nn.clipByGlobalNorm(List.of(g), clipNorm).get(0);
            }
            out.set(i, g);
        }
        return Double.isNaN(globalClipNorm) ? out : Nn.clipByGlobalNorm(out, globalClipNorm);
    }

    /**
     * The number of steps applied so far (Keras' {@code optimizer.iterations}).
     *
     * @return the number of steps applied so far
     */
    public long iterations() {
        return iterations;
    }

    /**
     * Sets the step count, for resuming from a checkpoint.
     *
     * @param iterations the steps applied so far
     */
    public void setIterations(long iterations) {
        this.iterations = iterations;
    }

    /**
     * Updates {@code variable} in place from {@code gradient}; {@link #iterations()} already counts this step.
     *
     * @param variable the variable
     * @param gradient the gradient rule
     */
    protected abstract void update(Variable variable, Tensor gradient);

    /**
     * The optimizer's state for {@code variable}, created by {@code create} on first use.
     *
     * @param <S> the type of the state
     * @param variable the variable
     * @param create makes the state on first use
     * @return the optimizer's state for {@code variable}, created by {@code create} on first use
     */
    @SuppressWarnings("unchecked")
    protected <S> S slot(Variable variable, Supplier<S> create) {
        return (S) slots.computeIfAbsent(variable, v -> create.get());
    }

    /**
     * The state held for {@code variable}, or null before its first update.
     *
     * @param variable the variable
     * @return the state held for {@code variable}, or null before its first update
     */
    protected Object existingSlot(Variable variable) {
        return slots.get(variable);
    }
}
