package dev.scratchnet.optim;

/** The learning rate as a function of the optimizer's step count (0 for the first step), as in Keras' schedules. */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * The learning rate at a step.
     *
     * @param step the step, counting from 0
     * @return the learning rate at a step
     */
    double at(long step);

    /**
     * The same rate at every step.
     *
     * @param rate the fraction of elements dropped
     * @return the same rate at every step
     */
    static LearningRateSchedule constant(double rate) {
        return step -> rate;
    }

    /**
     * {@code initial · rate^(step / decaySteps)}, the exponent an integer with {@code staircase}.
     *
     * @param initial the rate at step 0
     * @param decaySteps the steps over which the rate decays
     * @param rate the factor per {@code decaySteps}
     * @param staircase whether to decay in whole periods
     * @return {@code initial · rate^(step / decaySteps)}, the exponent an integer with {@code staircase}
     */
    static LearningRateSchedule exponentialDecay(double initial, long decaySteps, double rate, boolean staircase) {
        return step -> {
            double p = (double) step / decaySteps;
            return initial * Math.pow(rate, staircase ? Math.floor(p) : p);
        };
    }

    /**
     * Cosine decay from {@code initial} to {@code initial · alpha} over {@code decaySteps}, then flat.
     *
     * @param initial the rate at step 0
     * @param decaySteps the steps over which the rate decays
     * @param alpha the floor, as a fraction of the initial rate
     * @return cosine decay from {@code initial} to {@code initial · alpha} over {@code decaySteps}, then flat
     */
    static LearningRateSchedule cosineDecay(double initial, long decaySteps, double alpha) {
        return step -> {
            double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(step, decaySteps) / decaySteps));
            return initial * ((1 - alpha) * cosine + alpha);
        };
    }

    /**
     * {@code values[i]} while {@code step <= boundaries[i]}, the last value after the last boundary.
     *
     * @param boundaries the steps where the rate changes
     * @param values the rate up to each boundary, and after the last one
     * @return {@code values[i]} while {@code step <= boundaries[i]}, the last value after the last boundary
     */
    static LearningRateSchedule piecewiseConstant(long[] boundaries, double[] values) {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("piecewiseConstant: needs one more value than boundaries, got "
                    + values.length + " values and " + boundaries.length + " boundaries");
        }
        long[] b = boundaries.clone();
        double[] v = values.clone();
        return step -> {
            for (int i = 0; i < b.length; i++) {
                if (step <= b[i]) {
                    return v[i];
                }
            }
            return v[v.length - 1];
        };
    }
}
