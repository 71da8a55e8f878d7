package dev.scratchnet.spark;

import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.optim.SGD;

/**
 * Which optimizers {@link SparkTrainer#averageEvery(int) parameter averaging} can train with: those whose whole state
 * it carries between rounds, the weights and Adam's moments (Adam, AdamW, and SGD without momentum). It needs no
 * Spark classes, so that a command can refuse a run before it loads Spark.
 */
public final class ParameterAveraging {
    private ParameterAveraging() {
    }

    /**
     * Whether averaging the replicas' weights, and Adam's moments, carries all of {@code optimizer}'s state.
     *
     * @param optimizer the optimizer
     * @return true for Adam, AdamW and SGD without momentum
     */
    public static boolean carries(Optimizer optimizer) {
        return optimizer instanceof Adam || optimizer instanceof SGD sgd && sgd.momentum() == 0;
    }
}
