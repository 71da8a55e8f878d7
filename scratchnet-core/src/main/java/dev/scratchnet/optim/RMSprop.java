package dev.scratchnet.optim;

import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

/**
 * RMSprop as Keras implements it (defaults: learning rate 0.001, rho 0.9, no momentum, epsilon 1e-7, not
 * centered): {@code v = rho·v + (1 - rho)·g²}; centered, also {@code a = rho·a + (1 - rho)·g} and
 * {@code v - a²} in place of {@code v}; the step {@code lr · g / sqrt(v + epsilon)}, through a momentum
 * buffer {@code m = momentum·m + step} when momentum is set.
 */
public final class RMSprop extends Optimizer {
    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    /** The optimizer's state for one variable. */
    private static final class State {
        Tensor velocity;
        Tensor averageGradient;
        Tensor momentum;
    }

    /** RMSprop with Keras' defaults: learning rate 0.001, rho 0.9, no momentum, epsilon 1e-7, not centered. */
    public RMSprop() {
        this(0.001);
    }

    /**
     * RMSprop with the given learning rate and Keras' other defaults.
     *
     * @param learningRate the learning rate
     */
    public RMSprop(double learningRate) {
        this(Adam.checkRate(learningRate), 0.9, 0, 1e-7, false);
    }

    /**
     * RMSprop with every setting given.
     *
     * @param schedule the learning rate at each step
     * @param rho the decay rate of the moving average of squared gradients
     * @param momentum the momentum, in [0, 1]
     * @param epsilon added to the denominator for stability
     * @param centered whether to divide by the variance rather than the second moment
     */
    public RMSprop(LearningRateSchedule schedule, double rho, double momentum, double epsilon, boolean centered) {
        super(schedule);
        if (!(rho >= 0 && rho < 1) || !(momentum >= 0 && momentum < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("RMSprop: need 0 <= rho < 1, 0 <= momentum < 1 and epsilon >= 0, got " + rho + ", " + momentum + ", " + epsilon);
        }
        this.rho = rho;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
    }

    @Override
    protected void update(Variable variable, Tensor g) {
        State s = slot(variable, State::new);
        Tensor zeros = Tensor.zeros(variable.dtype(), variable.shape().dims());
        s.velocity = (s.velocity == null ? zeros : s.velocity).mul(rho).add(Ops.square(g).mul(1 - rho));
        Tensor denominator = s.velocity;
        if (centered) {
            s.averageGradient = (s.averageGradient == null ? zeros : s.averageGradient).mul(rho).add(g.mul(1 - rho));
            denominator = denominator.sub(Ops.square(s.averageGradient));
        }
        Tensor increment = g.mul(learningRate()).div(Ops.sqrt(denominator.add(epsilon)));
        if (momentum > 0) {
            s.momentum = (s.momentum == null ? zeros : s.momentum).mul(momentum).add(increment);
            increment = s.momentum;
        }
        variable.assignSub(increment);
    }
}
