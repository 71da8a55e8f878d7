package dev.scratchnet.cli;

import com.google.gson.GsonBuilder;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.models.Models;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Model;
import dev.scratchnet.onnx.Onnx;
import dev.scratchnet.onnx.OnnxModel;
import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.kernel.Kernels;
import dev.scratchnet.op.NumericsCheck;
import dev.scratchnet.op.Profiler;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.optim.Adagrad;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.AdamW;
import dev.scratchnet.optim.RMSprop;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.optim.SGD;
import dev.scratchnet.spark.ParameterAveraging;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;

import static dev.scratchnet.op.Ops.max;

/** {@code scratchnet train}: the chapter's network on MNIST (or another IDX data set), one line per epoch. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a network on MNIST or another IDX data set (by default the chapter's: one hidden layer of 128 ReLU units, "
                + "Adam) and print the test accuracy after every epoch.")
final class TrainCommand implements Callable<Integer> {
    enum OptimizerName { adam, adamw, sgd, rmsprop, adagrad }

    static final int MAX_EPOCHS = 100_000;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DataOptions dataOptions;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Examples per training step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--hidden", defaultValue = "128", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    private int hidden;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "The optimizer's learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd, rmsprop or adagrad (default: ${DEFAULT-VALUE}).")
    private OptimizerName optimizer;

    @Option(names = "--model", defaultValue = "chapter", description = "chapter (the chapter's 784-H-10 network), mlp (with dropout) or cnn "
            + "(two conv+pool blocks and a dense layer) (default: ${DEFAULT-VALUE}).")
    private Models.Kind model;

    @Option(names = "--dropout", paramLabel = "RATE", description = "Dropout rate of the mlp and cnn models (default: 0.25 for cnn, 0 otherwise).")
    private Double dropoutOption;

    @Option(names = "--shuffle", negatable = true, description = "Shuffle the training set anew every epoch, seeded by --seed (default: on for "
            + "cnn; the chapter does not shuffle).")
    private Boolean shuffleOption;


    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial weights; the same seed and settings give the same numbers (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "The run folder: metrics.csv, config.json, plots and report.html (default: runs/<date-time>).")
    private Path out;

    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained model (and optimizer state) to FILE.safetensors or FILE.npz.")
    private Path save;

    @Option(names = "--save-every-epoch", description = "Rewrite the --save checkpoint after every epoch, not only at the end.")
    private boolean saveEveryEpoch;

    @Option(names = "--init", paramLabel = "FILE", description = "Start from the weights in a checkpoint instead of random ones, or fine-tune an ONNX model (.onnx, whose --save is .onnx too).")
    private Path init;

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue an interrupted run from its checkpoint (weights, optimizer state, epoch).")
    private Path resume;

    @Option(names = "--check-numerics", description = "Stop at the first NaN or infinity any op or gradient produces, naming the op and the step.")
    private boolean checkNumerics;

    @Option(names = "--profile", description = "After training, print where the time went: per op and per gradient rule.")
    private boolean profile;

    @Option(names = "--quiet", description = "Print only the chapter's epoch lines.")
    private boolean quiet;

    @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER", description = "Train data-parallel on Apache Spark: "
            + "local[2], spark://host:7077, yarn, k8s://...; without MASTER, the one spark-submit was given.")
    private String spark;

    @Option(names = "--partitions", defaultValue = "0", description = "With --spark: the partitions of the training set (default: Spark's default "
            + "parallelism).")
    private int partitions;

    @Option(names = "--average-every", defaultValue = "1", paramLabel = "K", description = "With --spark: 1 for synchronous steps (the gradients "
            + "summed every step), K > 1 for parameter averaging every K local steps (default: ${DEFAULT-VALUE}).")
    private int averageEvery;

    @Option(names = "--dashboard", description = "Show the training live on a page (loss, accuracy, weights, confusion matrix): http://127.0.0.1:PORT/dashboard.html.")
    private boolean dashboard;

    @Option(names = "--dashboard-port", defaultValue = "8081", description = "The dashboard's port (default: ${DEFAULT-VALUE}; 0 for any free one).")
    private int dashboardPort;

    @Option(names = "--dashboard-stay", negatable = true, description = "Keep the dashboard up after the run, with a page to draw digits for the "
            + "model just trained, until Ctrl-C (default: on a terminal).")
    private Boolean dashboardStay;

    private final TimeLine timeLine = new TimeLine();

    @Override
    @SuppressWarnings("try") // the claim holds --save for this run while it is open
    public Integer call() throws Exception {
        validate();
        dataOptions.applyThreads(spec);
        PrintWriter console = spec.commandLine().getOut();
        try (AutoCloseable claim = save != null ? AtomicFiles.claim(save) : null) {
            return train(console);
        }
    }

    private int train(PrintWriter console) throws Exception {
        // The run's settings as JSON, made while the data loads: Gson and the kernels' setup, used for the first time,
        // took 0.05-0.1 s between the data and the first step.
        CompletableFuture<String> configJson = CompletableFuture.supplyAsync(this::config);
        Prepared data = Prepared.of(dataOptions.loadNonEmpty());
        timeLine.mark("data ready");
        Tensor yTrain = data.yTrain(), yTest = data.yTest();
        int classes = (int) Math.max(max(yTrain).longValue(), max(yTest).longValue()) + 1;
        int inputs = data.inputs();
        requireMemoryFor(inputs, classes);

        Optimizer opt = newOptimizer(optimizer, learningRate);
        String config = configJson.join();
        Layer network;
        String about;
        Saver saver;
        int done = 0;
        if (init != null && Classifier.isOnnx(init)) {
            OnnxModel onnx = fineTuned(init, inputs, classes);
            network = onnx;
            about = onnx.toString();
            saver = (file, epoch, accuracy) -> onnx.save(file);
        } else {
            Model built;
            try {
                built = new Model.Spec(model, inputs, hidden, classes, dropout()).build(seed);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (resume != null) {
                Checkpoint checkpoint = Checkpoint.load(resume);
                TrainingState.loadWeights(checkpoint, resume, built);
                done = TrainingState.restoreOptimizer(checkpoint, resume, built, opt, optimizer.name());
                require(done < epochs, resume + " already holds " + done + " epochs, so --epochs " + epochs + " leaves nothing to train (give --epochs "
                        + (done + 1) + " or more)");
            } else if (init != null) {
                TrainingState.loadWeights(Checkpoint.load(init), init, built);
            }
            network = built.network();
            about = built.toString();
            saver = (file, epoch, accuracy) -> TrainingState.save(file, built, opt, epoch, accuracy, config);
        }

        RunFolder run = out != null ? RunFolder.at(out, config, done) : RunFolder.fresh(Path.of("runs",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))), config);
        int side = (int) Math.round(Math.sqrt(inputs));
        try (Dashboard board = dashboard ? new Dashboard("127.0.0.1", dashboardPort, run.dir(), () -> network.variables().get(0).value(), side) : null) {
            if (board != null) {
                console.println("Dashboard: http://127.0.0.1:" + board.port() + "/dashboard.html");
                console.flush();
            }
            Listener listener = new Listener(saver, run, console, board, () -> Evaluation.of(network, data.xTest(), yTest, classes));
            train(network, data, opt, done, listener, console, run, classes, side);
            if (board != null) {
                if (dashboardStay != null ? dashboardStay : System.console() != null) {
                    stayOpen(board, run, new Classifier(network, inputs, classes, about), listener.testAccuracy(), console);
                } else {
                    board.done(run.dir().toString(), null);
                }
            }
        }
        return 0;
    }

    /** The dropout rate: {@code --dropout}, or the model's recipe (0.25 for the CNN, which reaches 99% with it; none for the others). */
    private double dropout() {
        return dropoutOption != null ? dropoutOption : model == Models.Kind.cnn ? 0.25 : 0;
    }

    /** Whether to shuffle: {@code --[no-]shuffle}, or the model's recipe (the CNN's shuffles, except on Spark; the chapter's does not). */
    private boolean shuffle() {
        return shuffleOption != null ? shuffleOption : model == Models.Kind.cnn && spark == null;
    }

    private static Optimizer newOptimizer(OptimizerName name, double learningRate) {
        return switch (name) {
            case adam -> new Adam(learningRate);
            case adamw -> new AdamW(learningRate, 0.004);
            case sgd -> new SGD(learningRate);
            case rmsprop -> new RMSprop(learningRate);
            case adagrad -> new Adagrad(learningRate);
        };
    }

    /** Keeps the dashboard up until the process ends, and serves the draw-a-digit page for the model of 28x28 images just trained. */
    private void stayOpen(Dashboard board, RunFolder run, Classifier trained, double testAccuracy, PrintWriter console) throws IOException, InterruptedException {
        Map<String, Object> description = trained.description();
        description.put("test accuracy", Double.isNaN(testAccuracy) ? "not measured" : String.format(Locale.ROOT, "%.4f", testAccuracy));
        try (PredictionServer draw = PredictionServer.serves(trained)
                ? new PredictionServer(trained, description, "127.0.0.1", 0, PredictionServer.IDLE_MILLIS) : null) {
            String page = draw != null ? "http://127.0.0.1:" + draw.port() + "/" : null;
            board.done(run.dir().toString(), page);
            console.println("The dashboard stays open until Ctrl-C" + (page != null ? "; draw digits for the model just trained on " + page : "") + ".");
            console.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    /** The epochs, then the profile, the checkpoint of a run with nothing to train, and the run folder's plots and report. */
    private void train(Layer network, Prepared data, Optimizer opt, int done, Listener listener, PrintWriter console, RunFolder run, int classes,
                       int side) throws IOException {
        Tensor yTrain = data.yTrain(), yTest = data.yTest();
        // The listener evaluates each epoch on the test set, and keeps the confusion matrix and predictions it gives.
        Tensor noTestImages = data.noTestImages(), noTestLabels = data.noTestLabels();
        Profiler.enable(profile);
        NumericsCheck.enable(checkNumerics);
        long trainingStart = System.nanoTime();
        JvmActivity jvmAtStart = profile ? JvmActivity.now() : null;
        try {
            if (spark != null) {
                // what the executors need to build their replicas, captured as values that Spark can serialize
                Models.Kind kind = model;
                int inputs = data.inputs(), width = hidden;
                double rate = dropout(), learning = learningRate;
                long seedOfReplicas = seed;
                OptimizerName name = optimizer;
                SparkRun.fit(spark, partitions, averageEvery, batchSize, () -> new Model.Spec(kind, inputs, width, classes, rate).build(seedOfReplicas).network(),
                        () -> newOptimizer(name, learning), network, opt, data, noTestImages, noTestLabels, done + 1, epochs, listener);
            } else {
                Dataset batches = data.trainingBatches(batchSize, shuffle(), seed);
                int steps = (yTrain.dim(0) + batchSize - 1) / batchSize;
                timeLine.mark("first step starts");
                Trainer.fit(network, batches, steps, noTestImages, noTestLabels, opt, done + 1, epochs, listener);
            }
        } catch (ArithmeticException e) {
            throw new IllegalStateException("stopped in epoch " + listener.epoch + " after step " + listener.step + ": " + e.getMessage(), e);
        } finally {
            NumericsCheck.enable(false);
            Profiler.enable(false);
        }
        double trainingSeconds = (System.nanoTime() - trainingStart) / 1e9;
        if (profile) {
            console.println();
            console.printf("Where the time went (%.2f s of training and test evaluation):%n", trainingSeconds);
            console.print(Profiler.table(trainingSeconds));
            console.println(JvmActivity.since(jvmAtStart).describe(trainingSeconds));
            console.flush();
        }
        if (save != null && done >= epochs) {
            listener.save(done);
        }
        Evaluation test = listener.lastTest != null ? listener.lastTest : Evaluation.of(network, data.xTest(), yTest, classes);
        run.finish(network.variables().get(0).value(), side, test, data.xTest(), yTest.toLongArray());
        timeLine.mark("run folder written");
        if (!quiet) {
            console.println("Run folder: " + run.dir() + (save != null ? ", model: " + listener.savedTo : ""));
        }
        if (profile) {
            console.println(timeLine.describe());
        }
    }

    /** Shows training as it goes (a progress bar on a terminal, the epoch lines) and keeps the run folder and checkpoint current. */
    private final class Listener implements Trainer.Listener {
        private final Saver saver;
        private final RunFolder run;
        private final PrintWriter console;
        private final boolean bar = !quiet && System.console() != null;
        private ProgressBar progress;
        int epoch;
        int step;

        private final Dashboard board;
        private final java.util.function.Supplier<Evaluation> testEvaluation;

        Listener(Saver saver, RunFolder run, PrintWriter console, Dashboard board, java.util.function.Supplier<Evaluation> testEvaluation) {
            this.saver = saver;
            this.run = run;
            this.console = console;
            this.board = board;
            this.testEvaluation = testEvaluation;
        }

        @Override
        public void step(int epoch, int step, int steps, double loss, double accuracy) {
            this.epoch = epoch;
            if (this.step == 0) {
                timeLine.mark("first step done");
            }
            this.step = step;
            if (!Double.isFinite(loss)) {
                throw new ArithmeticException("the training loss became " + loss + "; try a smaller --learning-rate, or --check-numerics to find the op");
            }
            if (board != null && (step % Dashboard.EVERY == 0 || step == steps)) {
                board.step(epoch, step, steps, loss, accuracy);
            }
            if (!bar) {
                return;
            }
            if (progress == null) {
                progress = new ProgressBarBuilder().setTaskName("Epoch " + epoch).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                        .showSpeed().setUpdateIntervalMillis(200).continuousUpdate().build();
            }
            if (step % 20 == 0 || step == steps) {
                progress.stepTo(step);
                progress.setExtraMessage(String.format(" loss %.3f acc %.3f", loss, accuracy));
            }
        }

        @Override
        public void epoch(Trainer.Epoch trained) {
            if (progress != null) {
                progress.close();
                progress = null;
            }
            lastTest = testEvaluation.get();
            Trainer.Epoch e = new Trainer.Epoch(trained.number(), lastTest.accuracy(), lastTest.loss(), trained.trainLoss(), trained.trainAccuracy(),
                    trained.seconds());
            console.println(quiet ? e.toString() : String.format("%s  (loss %.4f, %.2f s)", e, e.trainLoss(), e.seconds()));
            console.flush();
            timeLine.mark("epoch " + e.number());
            if (board != null) {
                board.epoch(e, lastTest.confusion());
            }
            try {
                if (save != null && (saveEveryEpoch || e.number() == epochs)) {
                    save(e.number());
                }
                run.add(e);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        /** Where the last checkpoint went: {@code --save}, or the run folder when that could not be written. */
        Path savedTo;
        /** The last epoch's evaluation on the test set; null before the first epoch. */
        Evaluation lastTest;

        /** The last epoch's test accuracy, kept with the checkpoint; NaN before the first epoch. */
        double testAccuracy() {
            return lastTest != null ? lastTest.accuracy() : Double.NaN;
        }

        /**
         * Writes the checkpoint to {@code --save}; if that fails after training, into the run folder instead, so that the
         * trained model is never lost, and says where.
         */
        void save(int epoch) throws IOException {
            try {
                saver.save(save, epoch, testAccuracy());
                savedTo = save;
            } catch (IOException failure) {
                String name = save.getFileName().toString();
                Path fallback = run.dir().resolve("model" + name.substring(name.lastIndexOf('.')));
                saver.save(fallback, epoch, testAccuracy());
                savedTo = fallback;
                spec.commandLine().getErr().println("scratchnet: could not write " + save + " (" + Main.describe(failure)
                        + "); the model of epoch " + epoch + " was saved to " + fallback + " instead");
            }
        }
    }

    /**
     * Writes the trained model: a checkpoint with the optimizer's state and the last test accuracy (NaN before any
     * epoch), or the fine-tuned ONNX model.
     */
    @FunctionalInterface
    private interface Saver {
        void save(Path file, int epoch, double testAccuracy) throws IOException;
    }

    /** The ONNX model that {@code --init} names, checked to take the data set's images and give logits for its classes. */
    private OnnxModel fineTuned(Path file, int inputs, int classes) throws IOException {
        OnnxModel onnx = Onnx.load(file);
        int takes = Classifier.inputsOf(onnx, file);
        if (takes != inputs) {
            throw new IllegalArgumentException(file + " takes " + onnx.inputs().get(0) + ", " + takes + " values an example, but the data set's have " + inputs);
        }
        if (onnx.outputsProbabilities()) {
            throw new IllegalArgumentException(file + " ends in Softmax, so its output is probabilities; fine-tuning needs a model that gives logits");
        }
        int gives = onnx.apply(Tensor.zeros(1, inputs), false).dim(-1);
        if (gives < classes) {
            throw new IllegalArgumentException(file + " gives " + gives + " outputs, but the data set has " + classes + " classes");
        }
        if (onnx.variables().isEmpty()) {
            throw new IllegalArgumentException(file + " has no float initializers: nothing to train");
        }
        return onnx;
    }

    /** Every setting of the run, as JSON. */
    private String config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", dataOptions.data != null ? dataOptions.data.toString() : "mnist");
        c.put("epochs", epochs);
        c.put("batch_size", batchSize);
        c.put("hidden", hidden);
        c.put("learning_rate", learningRate);
        c.put("optimizer", optimizer.name());
        c.put("model", model.name());
        c.put("dropout", dropout());
        c.put("shuffle", shuffle());
        c.put("seed", seed);
        c.put("init", init != null ? init.toString() : null);
        c.put("resume", resume != null ? resume.toString() : null);
        c.put("threads", dev.scratchnet.kernel.Parallel.threads());
        c.put("kernels", Kernels.vectorized() ? "vector" : "scalar");
        c.put("check_numerics", checkNumerics);
        if (spark != null) {
            c.put("spark", spark.isEmpty() ? "spark-submit" : spark);
            c.put("partitions", partitions);
            c.put("average_every", averageEvery);
        }
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(c);
    }

    /** Every setting checked before any work, and every place the run will write. */
    private void validate() {
        require(epochs >= 0 && epochs <= MAX_EPOCHS, "--epochs must be between 0 and " + MAX_EPOCHS + ", got " + epochs);
        require(batchSize >= 1 && batchSize <= 1 << 20, "--batch-size must be between 1 and " + (1 << 20) + ", got " + batchSize);
        require(hidden >= 1 && hidden <= 1 << 20, "--hidden must be between 1 and " + (1 << 20) + ", got " + hidden);
        require(learningRate > 0 && Double.isFinite(learningRate), "--learning-rate must be a positive number, got " + learningRate);
        require(!saveEveryEpoch || save != null, "--save-every-epoch needs --save FILE");
        require(init == null || resume == null, "--init and --resume cannot be used together");
        require(dashboardStay == null || dashboard, "--dashboard-stay needs --dashboard");
        Main.requirePort(spec, "--dashboard-port", dashboardPort);
        if (dashboard) {
            Main.requireFreePort(spec, "--dashboard-port", "127.0.0.1", dashboardPort);
        }
        require(spark != null || partitions == 0, "--partitions needs --spark");
        require(spark != null || averageEvery == 1, "--average-every needs --spark");
        require(partitions >= 0 && partitions <= 1 << 16, "--partitions must be between 0 (Spark's default) and " + (1 << 16) + ", got " + partitions);
        require(averageEvery >= 1 && averageEvery <= 1 << 20, "--average-every must be between 1 and " + (1 << 20) + ", got " + averageEvery);
        require(spark == null || shuffleOption != Boolean.TRUE, "--shuffle does not go with --spark: each partition keeps its examples in order");
        require(spark == null || init == null || !Classifier.isOnnx(init), "--spark trains the built-in models; an ONNX --init cannot be rebuilt on the executors");
        require(spark == null || averageEvery == 1 || ParameterAveraging.carries(newOptimizer(optimizer, learningRate)),
                "--average-every " + averageEvery + " averages the optimizer's state, which it can for adam, adamw and sgd, not " + optimizer);
        require(spark == null || onClassPath("org.apache.spark.sql.SparkSession"), "--spark needs Apache Spark on the class path: run it through "
                + "the ./scratchnet launcher, or with spark-submit (see docs/distributed.md)");
        require(dropout() >= 0 && dropout() < 1, "--dropout must be in [0, 1), got " + dropout());
        require(dropout() == 0 || model != Models.Kind.chapter, "--dropout needs --model mlp or cnn; the chapter's network has no dropout");
        boolean onnx = init != null && Classifier.isOnnx(init);
        require(resume == null || !Classifier.isOnnx(resume), "--resume " + resume + ": an ONNX file holds no optimizer state; use --init to fine-tune it");
        if (save != null) {
            String name = save.getFileName() == null ? "" : save.getFileName().toString();
            require(!onnx || name.endsWith(".onnx"), "--save " + save + ": a model fine-tuned from ONNX is saved as .onnx");
            require(onnx || name.endsWith(".safetensors") || name.endsWith(".npz"), "--save " + save + ": the name must end in .safetensors or .npz");
            require(!Files.isDirectory(save), "--save " + save + " is a folder; name a file");
            requireWritableFolder("--save " + save, save.toAbsolutePath().getParent());
        }
        if (out != null) {
            require(!Files.exists(out) || Files.isDirectory(out), "--out " + out + " is a file; name a folder");
            require(resume != null || !Files.exists(out.resolve("metrics.csv")),
                    "--out " + out + " already holds a run; name a new folder, or add --resume to continue that run");
            Path existing = out.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            requireWritableFolder("--out " + out, existing);
        }
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, TrainCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private void requireWritableFolder(String what, Path folder) {
        require(folder != null && Files.isDirectory(folder), what + ": the folder " + folder + " does not exist");
        require(Files.isWritable(folder), what + ": the folder " + folder + " is not writable");
    }

    /** The model, its gradients and Adam's two moments must fit the heap: refused as a setting before anything is built. */
    private void requireMemoryFor(int inputs, int classes) {
        long parameters = Models.parameterCount(model, inputs, hidden, classes);
        String shortfall = dev.scratchnet.tensor.Memory.shortfall(4 * 4 * parameters);
        require(shortfall == null, "--hidden " + hidden + " makes a model of " + parameters + " parameters: training it (weights, gradients, "
                + "optimizer state) " + shortfall);
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

}
