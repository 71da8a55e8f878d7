package dev.scratchnet.cli;

import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.spark.Example;
import dev.scratchnet.spark.Factory;
import dev.scratchnet.spark.SparkTrainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code train --spark}: the training set put into Spark's partitions and trained data-parallel by {@link SparkTrainer};
 * the test set stays on the driver, which prints the epoch lines. Loaded only when asked for, so that the tool runs
 * without Spark otherwise.
 */
final class SparkRun {
    private static final String DIRECT_RESULTS = "spark.task.maxDirectResultSize";
    private SparkRun() {
    }

    /**
     * Trains {@code network} with {@code optimizer} on {@code master}, a Spark master URL (or empty for the one
     * {@code spark-submit} was given); the executors build their replicas with {@code models} and {@code optimizers}. The
     * trainer evaluates {@code xTest} after each epoch ({@code train} gives it none: its listener evaluates the test set).
     */
    static void fit(String master, int partitions, int averageEvery, int batchSize, Factory<Layer> models, Factory<Optimizer> optimizers,
                    Layer network, Optimizer optimizer, Prepared data, Tensor xTest, Tensor yTest, int first, int last, Trainer.Listener listener) {
        // Spark and Hadoop log through the tool's SLF4J binding: errors only (their warnings are about local mode and the data's first trip).
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
        SparkSession.Builder builder = SparkSession.builder().appName("scratchnet train").config("spark.ui.showConsoleProgress", "false");
        if (!master.isEmpty()) {
            builder.master(master);
        }
        // Task results up to this size come back with the task's status, instead of through the block manager: averaging
        // the chapter's weights and moments (1.2 MB a partition) took 27-28 ms a round through it, 21-22 ms without
        // (--average-every 8, epoch 4, runs alternated).
        if (!new SparkConf().contains(DIRECT_RESULTS)) {
            builder.config(DIRECT_RESULTS, "128m");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<Example> examples = context.parallelize(examples(data), partitions > 0 ? partitions : context.defaultParallelism());
            new SparkTrainer(models, optimizers).batchSize(batchSize).averageEvery(averageEvery)
                    .fit(network, optimizer, examples, first, last, xTest, yTest, listener);
        } finally {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    /** The training images as the chapter prepares them (float rows in [0, 1]), converted a thousand at a time, with their labels. */
    private static List<Example> examples(Prepared data) {
        Tensor images = data.xTrainImages();
        long[] labels = data.yTrain().toLongArray();
        List<Example> out = new ArrayList<>(labels.length);
        for (int start = 0; start < labels.length; start += 1000) {
            Tensor rows = Prepared.flatten(images.slice(start, Math.min(start + 1000, labels.length)));
            float[] values = rows.toFloatArray();
            int pixels = rows.dim(1);
            for (int i = 0; i < rows.dim(0); i++) {
                out.add(new Example(Arrays.copyOfRange(values, i * pixels, (i + 1) * pixels), Math.toIntExact(labels[start + i])));
            }
        }
        return out;
    }
}
