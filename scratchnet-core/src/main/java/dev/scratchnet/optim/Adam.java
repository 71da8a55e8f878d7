package dev.scratchnet.optim;

import dev.scratchnet.kernel.Kernels;
import dev.scratchnet.kernel.ScalarLoops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Storage;

/**
 * Adam as Keras implements it (defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). At step t:
 * <pre>
 *   alpha = lr · sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m    += (g - m) · (1 - beta1)
 *   v    += (g² - v) · (1 - beta2)
 *   var  -= alpha · m / (sqrt(v) + epsilon)
 * </pre>
 * The bias correction sits in {@code alpha}, so epsilon is added to the uncorrected {@code sqrt(v)}, as in Keras
 * (the paper's "epsilon hat"). Each variable is updated in place by one fused kernel.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    /** The first and second moments of one variable, shaped like it. */
    public record Moments(Object m, Object v) {
    }

    /** Adam with Keras' defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public Adam() {
        this(0.001);
    }

    /**
     * Adam with the given learning rate and Keras' other defaults, as the chapter's {@code Adam(learning_rate=0.001)}.
     *
     * @param learningRate the learning rate
     */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    /**
     * Adam with every setting given.
     *
     * @param learningRate the learning rate
     * @param beta1 the first moment's decay rate
     * @param beta2 the second moment's decay rate
     * @param epsilon added to the denominator for stability
     */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this(checkRate(learningRate), beta1, beta2, epsilon);
    }

    /**
     * Adam whose learning rate follows {@code schedule}.
     *
     * @param schedule the learning rate at each step
     * @param beta1 the first moment's decay rate
     * @param beta2 the second moment's decay rate
     * @param epsilon added to the denominator for stability
     */
    public Adam(LearningRateSchedule schedule, double beta1, double beta2, double epsilon) {
        super(schedule);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adam: need 0 <= beta1, beta2 < 1 and epsilon >= 0, got " + beta1 + ", " + beta2 + ", " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    static LearningRateSchedule checkRate(double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
        return LearningRateSchedule.constant(learningRate);
    }

    /**
     * The moments of {@code variable}, or null before its first update (for checkpoints).
     *
     * @param variable the variable
     * @return the moments of {@code variable}, or null before its first update
     */
    public Moments moments(Variable variable) {
        return (Moments) existingSlot(variable);
    }

    /**
     * The moments of {@code variable}, created as zeros if needed (for restoring checkpoints).
     *
     * @param variable the variable
     * @return the moments of {@code variable}, created as zeros if needed
     */
    public Moments momentsFor(Variable variable) {
        return slot(variable, () -> new Moments(Storage.allocate(variable.dtype(), variable.shape().size()),
                Storage.allocate(variable.dtype(), variable.shape().size())));
    }

    @Override
    protected void update(Variable variable, Tensor gradient) {
        Moments s = momentsFor(variable);
        long t = iterations();
        double alpha = learningRate() * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        int n = gradient.size();
        if (variable.dtype() == DType.FLOAT32) {
            int cols = variable.shape().rank() == 0 ? 1 : variable.shape().dim(-1);
            variable.updateInPlace(values -> Kernels.loops().adam((float[]) values, (float[]) s.m(), (float[]) s.v(), (float[]) gradient.data(),
                    gradient.offset(), n, cols, (float) alpha, (float) beta1, (float) beta2, (float) epsilon));
        } else if (variable.dtype() == DType.FLOAT64) {
            variable.updateInPlace(values -> ScalarLoops.adam((double[]) values, (double[]) s.m(), (double[]) s.v(), (double[]) gradient.data(),
                    gradient.offset(), n, alpha, beta1, beta2, epsilon));
        } else {
            throw new IllegalArgumentException("Adam: variable '" + variable.name() + "' has dtype " + variable.dtype() + "; only float variables train");
        }
    }
}
