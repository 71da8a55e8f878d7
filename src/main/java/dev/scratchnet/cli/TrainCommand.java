package dev.scratchnet.cli;

import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.examples.Chapter14;
import dev.scratchnet.kernel.Kernels;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.optim.SGD;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static dev.scratchnet.op.Ops.max;
import static dev.scratchnet.tensor.DType.FLOAT32;
import static dev.scratchnet.tensor.DType.INT64;

/** {@code scratchnet train}: the chapter's network on MNIST (or another IDX data set), one line per epoch. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the chapter's network (784-128-10, ReLU, Adam) and print the test accuracy after every epoch.")
final class TrainCommand implements Callable<Integer> {
    enum OptimizerName { adam, sgd }

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "A directory with the four IDX files of MNIST or a data set in the same layout (default: MNIST, fetched into the cache).")
    private Path data;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where fetched data sets are kept (default: $XDG_CACHE_HOME/scratchnet or ~/.cache/scratchnet).")
    private Path cache;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Examples per training step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--hidden", defaultValue = "128", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    private int hidden;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "The optimizer's learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    private OptimizerName optimizer;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial weights; the same seed and settings give the same numbers (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--threads", description = "Threads for the kernels (default: the number of cores).")
    private Integer threads;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        validate();
        if (threads != null) {
            Kernels.setThreads(threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        IdxDataset dataset = data != null ? IdxDataset.load(data)
                : IdxDataset.load(Mnist.fetcher(cache != null ? cache : dev.scratchnet.data.Fetcher.defaultCacheRoot(), System.err).fetch(Mnist.FILES));

        Tensor xTrain = flatten(dataset.xTrain());
        Tensor xTest = flatten(dataset.xTest());
        Tensor yTrain = dataset.yTrain().cast(INT64);
        Tensor yTest = dataset.yTest().cast(INT64);
        int classes = (int) Math.max(max(yTrain).longValue(), max(yTest).longValue()) + 1;

        Chapter14 model = new Chapter14(xTrain.dim(1), hidden, classes, Generator.fromSeed(seed));
        Optimizer opt = optimizer == OptimizerName.adam ? new Adam(learningRate) : new SGD(learningRate);
        model.train(xTrain, yTrain, xTest, yTest, opt, epochs, batchSize, epoch -> {
            if (Double.isNaN(epoch.trainLoss())) {
                throw new IllegalStateException("the training loss became NaN in epoch " + epoch.number() + "; try a smaller --learning-rate");
            }
            out.printf("%s  (loss %.4f, %.2f s)%n", epoch, epoch.trainLoss(), epoch.seconds());
            out.flush();
        });
        return 0;
    }

    /** Images [n, ...] as float32 rows [n, pixels] in [0, 1], as the chapter prepares them. */
    private static Tensor flatten(Tensor images) {
        return images.div(255.0).reshape(images.dim(0), -1).cast(FLOAT32);
    }

    private void validate() {
        require(epochs >= 0, "--epochs must be 0 or more, got " + epochs);
        require(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        require(hidden >= 1, "--hidden must be at least 1, got " + hidden);
        require(learningRate > 0 && Double.isFinite(learningRate), "--learning-rate must be a positive number, got " + learningRate);
        requireAtLeastOne(spec, threads, "--threads");
    }

    /** A usage error unless {@code value} is null or at least 1. */
    static void requireAtLeastOne(CommandSpec spec, Integer value, String option) {
        if (value != null && value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
        }
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
