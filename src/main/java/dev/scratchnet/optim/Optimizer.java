package dev.scratchnet.optim;

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
 */
public abstract class Optimizer {
    private final Map<Variable, Object> slots = new IdentityHashMap<>();
    private long iterations;

    /** Applies one step: each gradient to the variable at the same position; null gradients are skipped. */
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
        for (int i = 0; i < gradients.size(); i++) {
            if (gradients.get(i) != null) {
                update(variables.get(i), gradients.get(i));
            }
        }
        Profiler.exit(getClass().getSimpleName() + " update", started);
    }

    /** The number of steps applied so far (Keras' {@code optimizer.iterations}). */
    public long iterations() {
        return iterations;
    }

    /** Sets the step count, for resuming from a checkpoint. */
    public void setIterations(long iterations) {
        this.iterations = iterations;
    }

    /** Updates {@code variable} in place from {@code gradient}; {@link #iterations()} already counts this step. */
    protected abstract void update(Variable variable, Tensor gradient);

    /** The optimizer's state for {@code variable}, created by {@code create} on first use. */
    @SuppressWarnings("unchecked")
    protected <S> S slot(Variable variable, Supplier<S> create) {
        return (S) slots.computeIfAbsent(variable, v -> create.get());
    }

    /** The state held for {@code variable}, or null before its first update. */
    protected Object existingSlot(Variable variable) {
        return slots.get(variable);
    }
}
