/**
 * Data-parallel training on Apache Spark. The examples stay in Spark's partitions; every step each partition computes
 * the gradient of its share of the global batch, Spark sums them, and the driver applies the optimizer
 * ({@link dev.scratchnet.spark.SparkTrainer#averageEvery(int) averageEvery(1)}), or each partition takes K steps of its
 * own and the driver averages the weights and the optimizer's moments (parameter averaging). Only gradients or weights
 * travel.
 */
package dev.scratchnet.spark;
