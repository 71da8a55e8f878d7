package dev.scratchnet.spark;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Chapter14;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.optim.RMSprop;
import dev.scratchnet.optim.SGD;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.scratchnet.models.Chapter14.computeLoss;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training in Spark's local mode (two threads, a failed task retried once, partitions checkpointed to a
 * folder), against training in one process on the same batches. The command's tests run without a checkpoint folder.
 */
class SparkTrainerTest {
    private static final int FEATURES = 12, CLASSES = 3, EXAMPLES = 1203, BATCH = 40, EPOCHS = 2;
    @TempDir
    static Path checkpoints;
    private static SparkSession spark;
    private static JavaSparkContext context;
    private static List<Example> examples;
    private static Tensor xTest, yTest;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("SparkTrainerTest").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        context.setCheckpointDir(checkpoints.toString());
        examples = clusters(EXAMPLES, 1);
        List<Example> test = clusters(300, 2);
        float[][] rows = new float[test.size()][];
        long[] labels = new long[test.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = test.get(i).features();
            labels[i] = test.get(i).label();
        }
        xTest = Tensor.of(rows);
        yTest = Tensor.of(labels, labels.length);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Three Gaussian clusters in 12 dimensions, one per class. */
    private static List<Example> clusters(int n, long seed) {
        float[] noise = Generator.fromSeed(seed).normal(new int[] {n, FEATURES}, 0, 1).toFloatArray();
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES;
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = noise[i * FEATURES + j] + (j % CLASSES == label ? 1.5f : 0f);
            }
            out.add(new Example(x, label));
        }
        return out;
    }

    private static Layer network() {
        return new Chapter14(FEATURES, 16, CLASSES, Generator.fromSeed(7));
    }

    private static JavaRDD<Example> partitioned(int partitions) {
        return context.parallelize(examples, partitions);
    }

    /** The same batches as the plan gives, in one process: each partition's share, in partition order. */
    private static Layer trainedInOneProcess(Optimizer optimizer, int partitions) {
        List<List<Example>> parts = partitioned(partitions).glom().collect();
        long[] sizes = parts.stream().mapToLong(List::size).toArray();
        BatchPlan plan = new BatchPlan(sizes, BATCH);
        Layer model = network();
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int step = 0; step < plan.steps(); step++) {
                List<Example> batch = new ArrayList<>();
                for (int p = 0; p < parts.size(); p++) {
                    batch.addAll(parts.get(p).subList(plan.from(p, step), plan.from(p, step + 1)));
                }
                float[][] x = new float[batch.size()][];
                long[] y = new long[batch.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = batch.get(i).features();
                    y[i] = batch.get(i).label();
                }
                try (GradientTape tape = new GradientTape()) {
                    Tensor loss = computeLoss(model.apply(Tensor.of(x), true), Tensor.of(y, y.length));
                    optimizer.applyGradients(tape.gradient(loss, model.variables()), model.variables());
                }
            }
        }
        return model;
    }

    private static double largestDifference(Layer a, Layer b) {
        double largest = 0;
        for (int i = 0; i < a.variables().size(); i++) {
            float[] x = a.variables().get(i).value().toFloatArray(), y = b.variables().get(i).value().toFloatArray();
            for (int j = 0; j < x.length; j++) {
                largest = Math.max(largest, Math.abs(x[j] - y[j]));
            }
        }
        return largest;
    }

    private static List<Trainer.Epoch> fit(SparkTrainer trainer, Layer model, Optimizer optimizer, JavaRDD<Example> data) {
        List<Trainer.Epoch> epochs = new ArrayList<>();
        trainer.fit(model, optimizer, data, 1, EPOCHS, xTest, yTest, epochs::add);
        return epochs;
    }

    @Test
    void synchronousStepsOnTwoPartitionsMatchOneProcessOnTheSameBatches() throws IOException {
        for (boolean adam : new boolean[] {false, true}) {
            Factory<Optimizer> optimizer = adam ? () -> new Adam(0.01) : () -> new SGD(0.1);
            Layer distributed = network();
            Optimizer driverOptimizer = optimizer.create();
            List<Trainer.Epoch> epochs = fit(new SparkTrainer(SparkTrainerTest::network, optimizer).batchSize(BATCH), distributed, driverOptimizer,
                    partitioned(2));
            Layer local = trainedInOneProcess(optimizer.create(), 2);
            double difference = largestDifference(distributed, local);
            assertTrue(difference < 2e-6, (adam ? "Adam" : "SGD") + ": weights differ by " + difference);
            assertTrue(largestDifference(distributed, network()) > 0.01, "the weights moved");
            assertEquals(EPOCHS * 31L, driverOptimizer.iterations(), "31 steps an epoch (1203 examples, batches of 40)");
            assertEquals(EPOCHS, epochs.size());
            assertTrue(epochs.get(EPOCHS - 1).testAccuracy() > 0.8, "test accuracy " + epochs.get(EPOCHS - 1).testAccuracy());
        }
        try (Stream<Path> files = Files.walk(checkpoints)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("part-")), "the packed partitions were checkpointed to the folder");
        }
    }

    @Test
    void parameterAveragingOnOnePartitionIsOneProcess() {
        Layer averaged = network();
        fit(new SparkTrainer(SparkTrainerTest::network, () -> new Adam(0.01)).batchSize(BATCH).averageEvery(5), averaged, new Adam(0.01),
                partitioned(1));
        double difference = largestDifference(averaged, trainedInOneProcess(new Adam(0.01), 1));
        assertTrue(difference < 1e-6, "weights and moments carried from round to round: the weights differ by " + difference);
    }

    @Test
    void parameterAveragingOnTwoPartitionsLearns() {
        Optimizer adam = new Adam(0.01);
        List<Trainer.Epoch> epochs = fit(new SparkTrainer(SparkTrainerTest::network, () -> new Adam(0.01)).batchSize(BATCH).averageEvery(4),
                network(), adam, partitioned(2));
        assertEquals(EPOCHS * 31L, adam.iterations());
        assertTrue(epochs.get(EPOCHS - 1).testAccuracy() > 0.8, "test accuracy " + epochs.get(EPOCHS - 1).testAccuracy());
        assertTrue(epochs.get(EPOCHS - 1).trainLoss() < epochs.get(0).trainLoss(), "the training loss falls");
    }

    /** Throws in the first attempt of every task of partition 1, for one step in three. */
    private static final class FailingFirstAttempts implements Layer {
        static final AtomicInteger THROWN = new AtomicInteger();
        private final Layer inner = network();

        @Override
        public Tensor apply(Tensor x, boolean training) {
            TaskContext task = TaskContext.get();
            if (task != null && task.partitionId() == 1 && task.attemptNumber() == 0 && task.stageId() % 3 == 0) {
                THROWN.incrementAndGet();
                throw new IllegalStateException("a task failed on purpose");
            }
            return inner.apply(x, training);
        }

        @Override
        public List<Variable> variables() {
            return inner.variables();
        }
    }

    @Test
    void aRetriedTaskCountsOnce() {
        Layer undisturbed = network();
        Optimizer adam = new Adam(0.01);
        fit(new SparkTrainer(SparkTrainerTest::network, () -> new Adam(0.01)).batchSize(BATCH), undisturbed, adam, partitioned(2));
        Layer retried = network();
        Optimizer retriedAdam = new Adam(0.01);
        fit(new SparkTrainer(FailingFirstAttempts::new, () -> new Adam(0.01)).batchSize(BATCH), retried, retriedAdam, partitioned(2));
        assertTrue(FailingFirstAttempts.THROWN.get() >= 10, "tasks failed on purpose: " + FailingFirstAttempts.THROWN.get());
        assertEquals(adam.iterations(), retriedAdam.iterations());
        assertEquals(0.0, largestDifference(undisturbed, retried), "the retried tasks gave the same steps, each counted once");
    }

    @Test
    void examplesComeFromADataFrame() {
        StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.DoubleType)).add("digit", DataTypes.LongType);
        Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(List.of(0.5, 1.0), 3L), RowFactory.create(List.of(2.0, 0.0), 1L)), schema);
        List<Example> read = Example.fromRows(frame, "pixels", "digit").collect();
        assertArrayEquals(new float[] {0.5f, 1f}, read.get(0).features());
        assertEquals(3, read.get(0).label());
        assertEquals(1, read.get(1).label());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Example.fromRows(frame, "image", "digit"));
        assertEquals("Example.fromRows: no column 'image' among [pixels, digit]", missing.getMessage());
    }

    @Test
    void refusesWhatItCannotDo() {
        IllegalArgumentException rmsprop = assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(SparkTrainerTest::network, RMSprop::new)
                .averageEvery(3).fit(partitioned(2), 1, xTest, yTest, e -> { }));
        assertTrue(rmsprop.getMessage().contains("not of RMSprop"), rmsprop.getMessage());
        IllegalArgumentException features = assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(SparkTrainerTest::network, Adam::new)
                .fit(partitioned(2), 1, Ops.concat(List.of(xTest, xTest), 1), yTest, e -> { }));
        assertTrue(features.getMessage().contains("have 12 features, the test inputs 24"), features.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(SparkTrainerTest::network, Adam::new).batchSize(0));
    }
}
