package dev.scratchnet.spark;

import java.io.Serializable;

/**
 * Which examples make each global batch. An epoch has {@code ceil(n / batchSize)} steps, and every partition gives
 * every step an equal share of its examples, in order: partition {@code p} of {@code n_p} examples gives step {@code i}
 * its rows {@code floor(i n_p / steps)} to {@code floor((i + 1) n_p / steps)}. Every partition thus works on every
 * step, and one process that trains on the same batches (each partition's share, in partition order) computes the
 * same steps.
 */
final class BatchPlan implements Serializable {
    private final long[] partitionSizes;
    private final int steps;

    BatchPlan(long[] partitionSizes, int globalBatchSize) {
        long total = 0;
        for (long size : partitionSizes) {
            total += size;
        }
        if (total == 0) {
            throw new IllegalArgumentException("SparkTrainer: the data set holds no examples");
        }
        long steps = (total + globalBatchSize - 1) / globalBatchSize;
        this.partitionSizes = partitionSizes.clone();
        this.steps = (int) Math.min(steps, Integer.MAX_VALUE);
    }

    /** The steps of one epoch. */
    int steps() {
        return steps;
    }

    /** The first row of partition {@code partition} in step {@code step} (of an epoch); {@code step = steps()} gives its size. */
    int from(int partition, int step) {
        return (int) (step * partitionSizes[partition] / steps);
    }

    /** The rows of partition {@code partition} in step {@code step}. */
    int rows(int partition, int step) {
        return from(partition, step + 1) - from(partition, step);
    }

    /** The examples of global batch {@code step}, over all partitions. */
    long batchRows(int step) {
        long rows = 0;
        for (int p = 0; p < partitionSizes.length; p++) {
            rows += rows(p, step);
        }
        return rows;
    }
}
