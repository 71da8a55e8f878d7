package dev.scratchnet.optim;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

/**
 * Adam with decoupled weight decay, as Keras' AdamW (defaults: learning rate 0.001, weight decay 0.004): each step
 * first shrinks the variable, {@code var -= var · weightDecay · lr}, then takes Adam's step.
 */
public final class AdamW extends Adam {
    private final double weightDecay;

    /** AdamW with Keras' defaults: learning rate 0.001, weight decay 0.004. */
    public AdamW() {
        this(0.001, 0.004);
    }

    /**
     * AdamW with the given learning rate and weight decay.
     *
     * @param learningRate the learning rate
     * @param weightDecay the weight decay rate
     */
    public AdamW(double learningRate, double weightDecay) {
        this(checkRate(learningRate), weightDecay);
    }

    /**
     * AdamW whose learning rate follows a schedule.
     *
     * @param schedule the learning rate at each step
     * @param weightDecay the weight decay rate
     */
    public AdamW(LearningRateSchedule schedule, double weightDecay) {
        super(schedule, 0.9, 0.999, 1e-7);
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: weight decay must be >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(Variable variable, Tensor gradient) {
        variable.assignSub(variable.value().mul(weightDecay * learningRate()));
        super.update(variable, gradient);
    }
}
