package dev.scratchnet.optim;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

/**
 * Stochastic gradient descent as Keras implements it (learning rate 0.01 by default). Without momentum:
 * {@code var -= lr · g}. With momentum: {@code velocity = momentum · velocity - lr · g}, then
 * {@code var += velocity}, or with Nesterov {@code var += momentum · velocity - lr · g}.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    /** SGD with Keras' default learning rate 0.01 and no momentum. */
    public SGD() {
        this(0.01);
    }

    /**
     * SGD with the given learning rate and no momentum.
     *
     * @param learningRate the learning rate
     */
    public SGD(double learningRate) {
        this(learningRate, 0, false);
    }

    /**
     * SGD with momentum, optionally Nesterov's.
     *
     * @param learningRate the learning rate
     * @param momentum the momentum, in [0, 1]
     * @param nesterov whether to use Nesterov momentum
     */
    public SGD(double learningRate, double momentum, boolean nesterov) {
        this(Adam.checkRate(learningRate), momentum, nesterov);
    }

    /**
     * SGD whose learning rate follows a schedule.
     *
     * @param schedule the learning rate at each step
     * @param momentum the momentum, in [0, 1]
     * @param nesterov whether to use Nesterov momentum
     */
    public SGD(LearningRateSchedule schedule, double momentum, boolean nesterov) {
        super(schedule);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("SGD: momentum must be in [0, 1], got " + momentum);
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /**
     * The momentum, 0 for plain SGD.
     *
     * @return the momentum
     */
    public double momentum() {
        return momentum;
    }

    /** The velocity of one variable. */
    private static final class Velocity {
        Tensor value;
    }

    @Override
    protected void update(Variable variable, Tensor gradient) {
        Tensor step = gradient.mul(-learningRate());
        if (momentum > 0) {
            Velocity velocity = slot(variable, Velocity::new);
            Tensor previous = velocity.value != null ? velocity.value : Tensor.zeros(variable.dtype(), variable.shape().dims());
            velocity.value = previous.mul(momentum).add(step);
            step = nesterov ? velocity.value.mul(momentum).add(step) : velocity.value;
        }
        variable.assignAdd(step);
    }
}
