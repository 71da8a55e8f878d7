package dev.scratchnet.optim;

import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

/**
 * Adagrad as Keras implements it (defaults: learning rate 0.001, initial accumulator 0.1, epsilon 1e-7):
 * {@code acc += g²}, {@code var -= lr · g / sqrt(acc + epsilon)}.
 */
public final class Adagrad extends Optimizer {
    private final double initialAccumulator;
    private final double epsilon;

    /** The accumulated squared gradients of one variable. */
    private static final class Accumulator {
        Tensor value;
    }

    /** Adagrad with Keras' defaults: learning rate 0.001, initial accumulator 0.1, epsilon 1e-7. */
    public Adagrad() {
        this(0.001);
    }

    /**
     * Adagrad with the given learning rate and Keras' other defaults.
     *
     * @param learningRate the learning rate
     */
    public Adagrad(double learningRate) {
        this(Adam.checkRate(learningRate), 0.1, 1e-7);
    }

    /**
     * Adagrad with every setting given.
     *
     * @param schedule the learning rate at each step
     * @param initialAccumulator the accumulators' starting value
     * @param epsilon added to the denominator for stability
     */
    public Adagrad(LearningRateSchedule schedule, double initialAccumulator, double epsilon) {
        super(schedule);
        if (!(initialAccumulator >= 0) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adagrad: need initialAccumulator >= 0 and epsilon >= 0, got " + initialAccumulator + " and " + epsilon);
        }
        this.initialAccumulator = initialAccumulator;
        this.epsilon = epsilon;
    }

    @Override
    protected void update(Variable variable, Tensor g) {
        Accumulator acc = slot(variable, Accumulator::new);
        Tensor previous = acc.value != null ? acc.value : Tensor.fill(variable.dtype(), initialAccumulator, variable.shape().dims());
        acc.value = previous.add(Ops.square(g));
        variable.assignSub(g.mul(learningRate()).div(Ops.sqrt(acc.value.add(epsilon))));
    }
}
