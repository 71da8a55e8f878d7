package dev.scratchnet.spark;

import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.tensor.DType;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Trains a model data-parallel on Spark, with the chapter's loss (mean sparse softmax cross-entropy) and epoch lines.
 * The examples stay in their partitions, packed once and cached; every global batch takes an equal share of every
 * partition (see {@link #fit(Layer, Optimizer, JavaRDD, int, int, Tensor, Tensor, Trainer.Listener) fit}).
 * <ul>
 *   <li>{@code averageEvery(1)} (the default), synchronous steps: for each step every partition computes the gradient
 *   of its share, Spark sums them ({@code aggregate}, or {@code treeAggregate} from 8 partitions on), the driver
 *   applies the optimizer, and the new weights go out as a broadcast. This computes the steps of one process training
 *   on the same batches, up to the order of float additions.</li>
 *   <li>{@code averageEvery(k)} with k &gt; 1, parameter averaging: each partition takes k steps of its own on its
 *   shares of the next k global batches, and the driver averages the weights and Adam's moments, weighted by the
 *   examples each partition saw. One round trip pays for k steps.</li>
 * </ul>
 * A failed task is retried by Spark (up to {@code spark.task.maxFailures}); a task only reads the broadcast weights
 * and its cached partition, so a retry computes the same contribution, and the step counts once.
 *
 * <pre>{@code
 * SparkTrainer trainer = new SparkTrainer(() -> new Chapter14(784, 128, 10, Generator.fromSeed(42)), () -> new Adam(0.001))
 *         .batchSize(64).averageEvery(1);
 * Layer model = trainer.fit(examples, 5, xTest, yTest, System.out::println);
 * }</pre>
 */
public final class SparkTrainer {
    private final Factory<? extends Layer> model;
    private final Factory<? extends Optimizer> optimizer;
    private int batchSize = 64;
    private int averageEvery = 1;

    /**
     * A trainer of the models that {@code model} builds, with the optimizers that {@code optimizer} builds. The factory
     * runs on the driver and on every executor; every copy is loaded with the driver's weights before it computes.
     *
     * @param model builds the model (its initial weights are those of the driver's copy)
     * @param optimizer builds the optimizer
     */
    public SparkTrainer(Factory<? extends Layer> model, Factory<? extends Optimizer> optimizer) {
        this.model = model;
        this.optimizer = optimizer;
    }

    /**
     * The global batch: the examples of one step, over all partitions (default 64, the chapter's).
     *
     * @param examples the examples of one step
     * @return this trainer
     */
    public SparkTrainer batchSize(int examples) {
        if (examples < 1) {
            throw new IllegalArgumentException("SparkTrainer: the batch size must be at least 1, got " + examples);
        }
        this.batchSize = examples;
        return this;
    }

    /**
     * How many steps each partition takes between two round trips: 1 (the default) for synchronous steps, more for
     * parameter averaging (Adam, AdamW, or SGD without momentum, whose state can be averaged).
     *
     * @param steps the local steps between two averagings
     * @return this trainer
     */
    public SparkTrainer averageEvery(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("SparkTrainer: averageEvery must be at least 1, got " + steps);
        }
        this.averageEvery = steps;
        return this;
    }

    /**
     * Trains a model built by the factory for {@code epochs} epochs.
     *
     * @param examples the training examples, in partitions
     * @param epochs the epochs
     * @param xTest the test inputs, evaluated on the driver after every epoch
     * @param yTest the test labels
     * @param listener hears about every round and epoch
     * @return the trained model
     */
    public Layer fit(JavaRDD<Example> examples, int epochs, Tensor xTest, Tensor yTest, Trainer.Listener listener) {
        Layer trained = model.create();
        fit(trained, optimizer.create(), examples, 1, epochs, xTest, yTest, listener);
        return trained;
    }

    /**
     * Trains the driver's {@code model} with the driver's {@code optimizer} (so that a run may start from a checkpoint),
     * epochs {@code first} to {@code last}. Global batch {@code i} of an epoch holds, from every partition {@code p} of
     * {@code n_p} examples in order, its rows {@code floor(i n_p / steps)} up to {@code floor((i + 1) n_p / steps)},
     * with {@code steps = ceil(n / batchSize)}.
     *
     * @param model the model, as built by the factory, with the weights to start from
     * @param optimizer the optimizer, with its state
     * @param examples the training examples, in partitions
     * @param first the first epoch, counting from 1
     * @param last the last epoch
     * @param xTest the test inputs, evaluated on the driver after every epoch
     * @param yTest the test labels
     * @param listener hears about every round (once for each synchronous step) and every epoch
     */
    public void fit(Layer model, Optimizer optimizer, JavaRDD<Example> examples, int first, int last, Tensor xTest, Tensor yTest,
                    Trainer.Listener listener) {
        if (averageEvery > 1 && !ParameterAveraging.carries(optimizer)) {
            throw new IllegalArgumentException("SparkTrainer: parameter averaging carries the state of Adam, AdamW and SGD without momentum, not of "
                    + optimizer.getClass().getSimpleName() + "; use averageEvery(1)");
        }
        requireFloat32(model.variables());
        String run = UUID.randomUUID().toString();
        JavaRDD<Shard> shards = examples.mapPartitionsWithIndex((p, rows) -> List.of(Shard.pack(p, rows)).iterator(), true);
        shards = cutLineage(shards);
        try {
            BatchPlan plan = new BatchPlan(sizes(shards, xTest.dim(-1)), batchSize);
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(examples.context());
            Round round = averageEvery == 1 ? new SynchronousStep(run, this.model, model, optimizer, plan)
                    : new AveragingRound(run, this.model, this.optimizer, model, optimizer, plan);
            for (int epoch = first; epoch <= last; epoch++) {
                long start = System.nanoTime();
                double lossSum = 0, accuracySum = 0;
                int steps = plan.steps();
                for (int step = 0; step < steps; step += averageEvery) {
                    int count = Math.min(averageEvery, steps - step);
                    Contribution sum = round.run(spark, shards, step, count);
                    if (sum.rows > 0) {
                        lossSum += sum.lossSum / sum.rows * count;
                        accuracySum += (double) sum.correct / sum.rows * count;
                    }
                    listener.step(epoch, step + count, steps, lossSum / (step + count), accuracySum / (step + count));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                listener.epoch(Trainer.evaluate(model, epoch, xTest, yTest, lossSum / steps, accuracySum / steps, seconds));
            }
        } finally {
            shards.foreachPartition(any -> Replica.forget(run));
            shards.unpersist(false);
        }
    }

    /**
     * Packed partitions that every step's task can name without carrying how they were made: a parallelized
     * collection's tasks would otherwise ship its data every time. Checkpointed reliably where the context has a
     * checkpoint folder (then a lost executor's partitions are read back), else locally (a failed task is still retried,
     * but losing an executor ends the run).
     */
    private static JavaRDD<Shard> cutLineage(JavaRDD<Shard> shards) {
        if (shards.context().getCheckpointDir().isDefined()) {
            shards.persist(StorageLevel.MEMORY_ONLY());
            shards.checkpoint();
        } else {
            shards.rdd().localCheckpoint();
        }
        return shards;
    }

    private static void requireFloat32(List<Variable> variables) {
        for (Variable v : variables) {
            if (v.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException("SparkTrainer: variable '" + v.name() + "' is " + v.dtype() + "; only float32 models train on Spark");
            }
        }
    }

    /** Packs and caches every partition, and gives their sizes; every example must have {@code features} values. */
    private static long[] sizes(JavaRDD<Shard> shards, int features) {
        List<long[]> found = shards.map(s -> new long[] {s.partition, s.rows, s.features}).collect();
        long[] sizes = new long[found.size()];
        for (long[] f : found) {
            if (f[1] > 0 && f[2] != features) {
                throw new IllegalArgumentException("SparkTrainer: the examples of partition " + f[0] + " have " + f[2]
                        + " features, the test inputs " + features);
            }
            sizes[(int) f[0]] = f[1];
        }
        return sizes;
    }

    /** One round trip: {@code count} steps from {@code step}, after which the driver's model holds their result. */
    private interface Round {
        Contribution run(JavaSparkContext spark, JavaRDD<Shard> shards, int step, int count);
    }

    /** Partitions from which a tree of sums beats the driver adding them up. */
    static final int TREE_FROM = 8;

    /**
     * The sum of {@code task} over the partitions: {@code treeAggregate}, so that the executors add up the partial
     * sums, where there are many partitions; with a few, {@code aggregate}, whose jobs start faster (on 2 local
     * executors, an empty job took 6-7 ms against the tree's 11-17 ms).
     */
    private static Contribution sum(JavaRDD<Shard> shards, Function2<Contribution, Shard, Contribution> task) {
        return shards.getNumPartitions() >= TREE_FROM ? shards.treeAggregate(Contribution.none(), task, new Sum())
                : shards.aggregate(Contribution.none(), task, new Sum());
    }

    /**
     * Frees a round's broadcast: the executors drop their copies before the next round starts, and the driver's copy goes
     * when Spark's cleaner finds the broadcast unreachable. (Destroying it at once, which is asynchronous, raced with the
     * cleaner: "Block broadcast_33_piece7 does not exist".)
     */
    private static void release(Broadcast<FloatArrays> broadcast) {
        broadcast.unpersist(true);
    }

    /** A synchronous step: the partitions' gradients summed, the driver's optimizer applied. */
    private record SynchronousStep(String run, Factory<? extends Layer> factory, Layer model, Optimizer optimizer, BatchPlan plan) implements Round {
        @Override
        public Contribution run(JavaSparkContext spark, JavaRDD<Shard> shards, int step, int count) {
            long batchRows = plan.batchRows(step);
            if (batchRows == 0) {
                return Contribution.none();
            }
            List<Variable> variables = model.variables();
            Broadcast<FloatArrays> weights = spark.broadcast(new FloatArrays(Replica.State.of(variables, null)));
            try {
                Contribution sum = sum(shards, new GradientTask(run, factory, weights, plan, step, batchRows));
                List<Tensor> gradients = new ArrayList<>();
                for (int i = 0; i < variables.size(); i++) {
                    gradients.add(Tensor.of(sum.arrays[i], variables.get(i).shape().dims()));
                }
                optimizer.applyGradients(gradients, variables);
                return sum;
            } finally {
                release(weights);
            }
        }
    }

    /** Parameter averaging: {@code count} local steps on every partition, then the weights and moments averaged. */
    private record AveragingRound(String run, Factory<? extends Layer> modelFactory, Factory<? extends Optimizer> optimizerFactory, Layer model,
                                  Optimizer optimizer, BatchPlan plan) implements Round {
        @Override
        public Contribution run(JavaSparkContext spark, JavaRDD<Shard> shards, int step, int count) {
            List<Variable> variables = model.variables();
            Broadcast<FloatArrays> state = spark.broadcast(new FloatArrays(Replica.State.of(variables, optimizer)));
            long iterations = optimizer.iterations();
            try {
                Contribution sum = sum(shards, new LocalStepsTask(run, modelFactory, optimizerFactory, state, iterations, plan, step, count));
                if (sum.rows > 0) {
                    for (float[] array : sum.arrays) {
                        for (int j = 0; j < array.length; j++) {
                            array[j] /= sum.rows;
                        }
                    }
                    Replica.State.restore(sum.arrays, variables, optimizer);
                }
                optimizer.setIterations(iterations + count);
                return sum;
            } finally {
                release(state);
            }
        }
    }

    // The tasks are records: their fields are all that travels with each task.

    /** A synchronous step's task: the gradient of one partition's share of the batch, added to the partition's sum. */
    private record GradientTask(String run, Factory<? extends Layer> factory, Broadcast<FloatArrays> weights, BatchPlan plan, int step, long batchRows)
            implements Function2<Contribution, Shard, Contribution> {
        @Override
        public Contribution call(Contribution sum, Shard shard) {
            return sum.plus(Replica.borrow(run, factory, replica -> {
                replica.load(weights.value().arrays(), null);
                return replica.gradient(shard, plan, step, batchRows);
            }));
        }
    }

    /** A parameter-averaging task: {@code count} steps on one partition from the broadcast weights and moments. */
    private record LocalStepsTask(String run, Factory<? extends Layer> modelFactory, Factory<? extends Optimizer> optimizerFactory,
                                  Broadcast<FloatArrays> state, long iterations, BatchPlan plan, int step, int count)
            implements Function2<Contribution, Shard, Contribution> {
        @Override
        public Contribution call(Contribution sum, Shard shard) {
            return sum.plus(Replica.borrow(run, modelFactory, replica -> {
                Optimizer local = optimizerFactory.create();
                local.setIterations(iterations);
                replica.load(state.value().arrays(), local);
                return replica.localSteps(shard, plan, step, count, local);
            }));
        }
    }

    /** Two partitions' sums added. */
    private static final class Sum implements Function2<Contribution, Contribution, Contribution> {
        private static final long serialVersionUID = 1L;

        @Override
        public Contribution call(Contribution a, Contribution b) {
            return a.plus(b);
        }
    }
}
