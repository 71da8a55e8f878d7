package dev.scratchnet.cli;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.autodiff.UnconnectedGradients;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Chapter14;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.onnx.Onnx;
import dev.scratchnet.onnx.OnnxExport;
import dev.scratchnet.onnx.OnnxModel;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.kernel.Kernels;
import dev.scratchnet.kernel.Parallel;
import dev.scratchnet.kernel.Peak;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.StepBuffers;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code scratchnet bench}: the machine's peak float32 rate, the matrix products of a training step in their three
 * layouts, and training steps of the chapter's network at several sizes, each as time, GFLOP/s and share of peak.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the kernels and training steps against the machine's peak float32 rate.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DataOptions dataOptions;

    @Option(names = "--quick", description = "Fewer repetitions and only the chapter's recipe, for a fast look.")
    private boolean quick;

    @Option(names = "--serve", description = "Only the prediction API under load: 64 clients sending PNGs for 10 s (5 s with --quick).")
    private boolean serve;

    /** A training configuration: hidden units, batch size and the epochs measured after the warm-up (odd: a median). */
    private record Config(String name, int hidden, int batch, int measured) {
    }

    /**
     * A training row warms up until an epoch in which the JIT compilers worked less than this share of its time: while
     * they work, they take a core from the two that train, so an epoch measures the compiling as much as the kernels
     * (the chapter's epochs 2-5 took 0.24-0.31 s while the compilers worked 0.16-0.35 s in each, then 0.18 s once they
     * rested).
     */
    private static final double QUIET_COMPILING = 0.02;
    /**
     * Warm-up ends after the first epoch that ends past this many seconds of warm-up, for a JIT that never rests (the
     * portable kernels' epochs take seconds each); a JIT that does not report its time gets one epoch.
     */
    private static final double MAX_WARM_UP_SECONDS = 10;

    @Override
    public Integer call() throws Exception {
        dataOptions.applyThreads(spec);
        if (serve) {
            ServeLoad.run(spec.commandLine().getOut(), 64, quick ? 5 : 10);
            return 0;
        }
        PrintWriter out = spec.commandLine().getOut();
        int n = Parallel.threads();
        out.printf("scratchnet bench: %d thread(s), %s kernels, Java %s%n", n, Kernels.vectorized() ? "Vector API" : "portable scalar",
                Runtime.version());

        double peakCore = Peak.gflops(1);
        double peak = Peak.gflops(n);
        out.printf("peak float32 (register-blocked FMA loop): %.1f GFLOP/s on one core, %.1f GFLOP/s on %d thread(s)%n%n", peakCore, peak, n);

        Prepared data = Prepared.of(dataOptions.loadNonEmpty());
        // The CNN's step first: after the kernels' rows below, the JIT's profiles of them made it 44.5 ms, against the
        // 32.7 ms of train --model cnn; measured first, 33.0 ms.
        if (!quick && data.inputs() == 28 * 28) {
            cnnStep(out, data, peak);
        }
        out.println("matmul                                   layout      ms    GFLOP/s  of peak");
        matmul(out, "forward    [64,784]·[784,128]", 64, 784, 128, false, false, peak);
        matmul(out, "input grad [64,128]·[784,128]ᵀ", 64, 128, 784, false, true, peak);
        matmul(out, "weight grad [784,64]ᵀ·[64,128]", 784, 64, 128, true, false, peak);
        matmul(out, "hidden 1024 [512,784]·[784,1024]", 512, 784, 1024, false, false, peak);
        out.println();
        out.println("conv2d (NHWC, 3x3, SAME; GFLOP/s of the windows' multiply-adds)  ms    GFLOP/s  of peak");
        pooledConv(out, 28, 32, peak);
        conv(out, 14, 32, 64, peak);
        out.println();
        out.println("max pooling (2x2, VALID; the gradient routed to each window's winner)    ms      GB/s");
        pool(out, 28, 32);
        pool(out, 14, 64);
        out.println();

        inference(out, data.xTest());
        List<Config> configs = quick ? List.of(new Config("chapter", 128, 64, 3))
                : List.of(new Config("chapter", 128, 64, 5), new Config("hidden 512", 512, 64, 3), new Config("hidden 1024", 1024, 64, 3),
                        new Config("batch 256", 128, 256, 5), new Config("batch 512", 128, 512, 5), new Config("h1024 b512", 1024, 512, 5));
        out.println("training (784-H-10, Adam)        s/epoch   steps/s   GFLOP/s  of peak   warm-up");
        double chapterEpoch = Double.NaN;
        for (Config c : configs) {
            double seconds = train(out, c, data, peak);
            chapterEpoch = c.name().equals("chapter") ? seconds : chapterEpoch;
        }
        out.println();
        wholeRuns(out, quick ? 1 : 3, chapterEpoch);
        return 0;
    }

    /** The chapter's whole {@code train} (5 epochs) in child JVMs, against 5 of the steady epochs measured above. */
    private void wholeRuns(PrintWriter out, int runs, double steadyEpoch) throws java.io.IOException, InterruptedException {
        List<String> arguments = new java.util.ArrayList<>();
        if (dataOptions.data != null) {
            arguments.addAll(List.of("--data", dataOptions.data.toString()));
        }
        if (dataOptions.cache != null) {
            arguments.addAll(List.of("--cache", dataOptions.cache.toString()));
        }
        if (dataOptions.threads != null) {
            arguments.addAll(List.of("--threads", dataOptions.threads.toString()));
        }
        String layout = "%-56s %18s %17s %9s%n";
        out.printf(layout, "the chapter's whole train, in a child JVM: from launch to", "first epoch line", "last epoch line", "exit");
        double[] exits = new double[runs];
        for (int run = 0; run < runs; run++) {
            WholeRun.Timing t = WholeRun.time(arguments);
            exits[run] = t.exit();
            out.printf(layout, "run " + (run + 1), seconds(t.firstEpochLine()), seconds(t.lastEpochLine()), seconds(t.exit()));
            out.flush();
        }
        Arrays.sort(exits);
        double median = exits[runs / 2];
        out.printf("5 steady epochs (the chapter row) take %.2f s of the median run's %.2f s; the rest is the start, the JIT's warm-up, "
                + "the test evaluations and the run folder%n", 5 * steadyEpoch, median);
    }

    private static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.2f s", s);
    }

    private void matmul(PrintWriter out, String name, int m, int k, int n, boolean transA, boolean transB, double peak) {
        Generator random = Generator.fromSeed(1);
        Tensor a = random.normal(transA ? new int[] {k, m} : new int[] {m, k}, 0, 1);
        Tensor b = random.normal(transB ? new int[] {n, k} : new int[] {k, n}, 0, 1);
        double flops = 2.0 * m * n * k;
        double seconds = time(() -> Ops.matmul(a, b, transA, transB), flops);
        String layout = transA ? "Aᵀ·B" : transB ? "A·Bᵀ" : "A·B";
        out.printf("%-40s %-6s %8.3f %9.1f %7.0f%%%n", name, layout, seconds * 1e3, flops / seconds / 1e9, 100 * flops / seconds / 1e9 / peak);
        out.flush();
    }

    /**
     * A batch of 64 [side, side, in] images with [3, 3, in, filters] filters: the forward convolution alone and with the
     * 2x2 max pooling after it under a tape (one op, as training runs them), the gradient for the images and the one for
     * the filters, each the kernel a training step runs, timed alone. Each is counted as the forward pass's
     * multiply-adds, also where Winograd's way (the second convolution's three passes) does fewer. Each call runs as a
     * step of {@code train} runs, its outputs in the arrays of the step before.
     */
    private void conv(PrintWriter out, int side, int in, int filters, double peak) {
        Generator random = Generator.fromSeed(2);
        Tensor x = random.normal(new int[] {64, side, side, in}, 0, 1);
        Tensor f = random.normal(new int[] {3, 3, in, filters}, 0, 0.1);
        Tensor dy = random.normal(new int[] {64, side, side, filters}, 0, 1);
        double flops = 2.0 * 64 * side * side * 9 * in * filters;
        String name = String.format("[64,%d,%d,%d] * [3,3,%d,%d]", side, side, in, in, filters);
        convRow(out, name + "  forward", time(inSteps(() -> Nn.conv2d(x, f, 1, Nn.Padding.SAME)), flops), flops, peak);
        convRow(out, name + ", 2x2 max pool  forward", time(inSteps(underTape(() -> Nn.conv2dMaxPool(x, f, null, Nn.Padding.SAME, 2))), flops), flops,
                peak);
        convRow(out, name + "  image grad", time(inSteps(() -> Nn.conv2dBackpropInput(dy, f, 1, 1, 1, 1)), flops), flops, peak);
        convRow(out, name + "  filter grad", time(inSteps(() -> Nn.conv2dBackpropFilter(x, dy, 3, 3, 1, 1, 1, 1)), flops), flops, peak);
    }

    /**
     * The CNN's first convolution, on a batch of 64 [side, side, 1] images, with the 2x2 max pooling after it, as
     * training runs them (one op, {@code Nn.conv2dMaxPool}): the forward pass under a tape, which keeps each maximum's
     * place, and the filters' gradient, timed as the pass with it less the pass alone (the images need none). Counted as
     * the convolution's multiply-adds.
     */
    private void pooledConv(PrintWriter out, int side, int filters, double peak) {
        Generator random = Generator.fromSeed(2);
        Tensor x = random.normal(new int[] {64, side, side, 1}, 0, 1);
        Variable f = new Variable(random.normal(new int[] {3, 3, 1, filters}, 0, 0.1));
        Tensor dy = random.normal(new int[] {64, side / 2, side / 2, filters}, 0, 1);
        double flops = 2.0 * 64 * side * side * 9 * filters;
        String name = String.format("[64,%d,%d,1] * [3,3,1,%d], 2x2 max pool", side, side, filters);
        double forward = time(inSteps(underTape(() -> Nn.conv2dMaxPool(x, f, null, Nn.Padding.SAME, 2))), flops);
        convRow(out, name + "  forward", forward, flops, peak);
        convRow(out, name + "  filter grad", backward(v -> Nn.conv2dMaxPool(x, v, null, Nn.Padding.SAME, 2), f, dy, forward, flops), flops, peak);
    }

    /**
     * The time of {@code op}'s gradient for {@code source} alone, given the output's gradient {@code dy}: the forward
     * pass with that gradient, less the {@code forward} pass alone.
     */
    private double backward(Function<Variable, Tensor> op, Variable source, Tensor dy, double forward, double work) {
        double withGradient = time(inSteps(() -> {
            try (GradientTape tape = new GradientTape()) {
                tape.gradient(op.apply(source), List.of(source), dy, UnconnectedGradients.NONE);
            }
        }), 2 * work);
        return withGradient - forward;
    }

    /** {@code work} under a tape, which makes the ops keep what their gradients need (a pooling's places). */
    private static Runnable underTape(Runnable work) {
        return () -> {
            try (GradientTape tape = new GradientTape()) {
                work.run();
            }
        };
    }

    /** {@code work} in a step of reused output arrays at each call, as the training loop runs its steps. */
    private static Runnable inSteps(Runnable work) {
        StepBuffers buffers = new StepBuffers();
        return () -> {
            try (StepBuffers.Step step = buffers.open()) {
                work.run();
            }
        };
    }

    private static void convRow(PrintWriter out, String name, double seconds, double flops, double peak) {
        out.printf("%-64s %8.3f %9.1f %7.0f%%%n", name, seconds * 1e3, flops / seconds / 1e9, 100 * flops / seconds / 1e9 / peak);
        out.flush();
    }

    /**
     * Max pooling of a batch of 64 [side, side, channels] maps (the CNN's two, after their convolutions) and its
     * gradient, which is no op of its own: timed as the pass with the gradient less the pass alone. Its speed is that
     * of memory, so the row gives the bytes read and written per second: the map and its pooled quarter forward, the
     * quarter and the map back.
     */
    private void pool(PrintWriter out, int side, int channels) {
        Generator random = Generator.fromSeed(3);
        Variable x = new Variable(random.normal(new int[] {64, side, side, channels}, 0, 1));
        Tensor dy = random.normal(new int[] {64, side / 2, side / 2, channels}, 0, 1);
        double bytes = 4.0 * 64 * side * side * channels * 5 / 4;
        double forward = time(inSteps(() -> Nn.maxPool2d(x, 2, 2, Nn.Padding.VALID)), bytes);
        double gradient = backward(v -> Nn.maxPool2d(v, 2, 2, Nn.Padding.VALID), x, dy, forward, bytes);
        String name = String.format("[64,%d,%d,%d]", side, side, channels);
        out.printf("%-72s %8.3f %9.1f%n", name + "  forward", forward * 1e3, bytes / forward / 1e9);
        out.printf("%-72s %8.3f %9.1f%n", name + "  gradient", gradient * 1e3, bytes / gradient / 1e9);
        out.flush();
    }

    /**
     * One training step of the CNN as {@code train --model cnn} takes it (hidden 128, dropout 0.25, Adam, batches of
     * 64), over the first 6,400 training images: the median epoch of 100 steps after the JIT rests. Its multiply-adds:
     * each convolution and dense layer forward, for its weights' gradient and (but the first convolution) for its
     * input's.
     */
    private void cnnStep(PrintWriter out, Prepared data, double peak) throws Exception {
        int rows = Math.min(6400, data.yTrain().dim(0));
        Prepared head = data.head(rows);
        Layer model = new Model.Spec(Models.Kind.cnn, 28 * 28, 128, 10, 0.25).build(42).network();
        double[] epoch = epochs(model, head, 64, 5);
        double perExample = 2.0 * (28 * 28 * 9 * 32 * 2 + 14 * 14 * 9 * 32 * 64 * 3 + 7 * 7 * 64 * 128 * 3 + 128 * 10 * 3);
        double steps = Math.ceil(rows / 64.0), seconds = epoch[0] / steps;
        out.println("training step (cnn, batch 64, Adam)     ms a step   GFLOP/s  of peak   warm-up");
        out.printf("%-40s %9.2f %9.1f %7.0f%%   %d epochs of %d steps%n%n", "conv 32, pool, conv 64, pool, dense 128", seconds * 1e3,
                perExample * 64 / seconds / 1e9, 100 * perExample * 64 / seconds / 1e9 / peak, (int) epoch[1], (int) steps);
        out.flush();
    }

    /**
     * The test images through the chapter's network and the CNN (random weights), eagerly and through the model's own
     * ONNX export read back, in batches of 250: the median of 3 passes after one; ONNX Runtime's figures for the same files come from the ONNX module's
     * inference benchmark (docs/performance.md), as its native library is no dependency of the tool.
     */
    private void inference(PrintWriter out, Tensor images) throws java.io.IOException {
        out.printf("inference over %d test images, batches of 250         s   images/s%n", images.dim(0));
        for (Models.Kind kind : new Models.Kind[] {Models.Kind.chapter, Models.Kind.cnn}) {
            Model model = new Model.Spec(kind, images.dim(1), 128, 10, 0).build(1);
            java.nio.file.Path file = java.nio.file.Files.createTempFile("scratchnet-bench", ".onnx");
            try {
                OnnxExport.save(model, file);
                OnnxModel onnx = Onnx.load(file);
                for (Layer layer : new Layer[] {model.network(), onnx}) {
                    double[] passes = new double[3];
                    Trainer.predict(layer, images, 250);
                    for (int i = 0; i < passes.length; i++) {
                        long start = System.nanoTime();
                        Trainer.predict(layer, images, 250);
                        passes[i] = (System.nanoTime() - start) / 1e9;
                    }
                    Arrays.sort(passes);
                    double seconds = passes[1];
                    out.printf("%-12s %-36s %9.3f %10.0f%n", kind, layer == onnx ? "scratchnet, its ONNX export" : "scratchnet", seconds,
                            images.dim(0) / seconds);
                    out.flush();
                }
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        }
        out.println();
    }

    /** The best time of one call of {@code work} after warming up, for work of {@code flops} operations. */
    private double time(Runnable work, double flops) {
        long warmUntil = System.nanoTime() + (quick ? 300_000_000L : 1_000_000_000L);
        while (System.nanoTime() < warmUntil) {
            work.run();
        }
        int reps = (int) Math.max(5, (quick ? 2e9 : 1e10) / flops);
        double seconds = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < reps / 5 + 1; i++) {
                work.run();
            }
            seconds = Math.min(seconds, (System.nanoTime() - start) / 1e9 / (reps / 5 + 1));
        }
        return seconds;
    }

    /** The chapter's network at the sizes of {@code c}: epochs of {@code train}'s steps, and their rate of multiply-adds. */
    private double train(PrintWriter out, Config c, Prepared data, double peak) throws Exception {
        int inputs = data.inputs();
        double[] epoch = epochs(new Chapter14(inputs, c.hidden(), 10, Generator.fromSeed(42)), data, c.batch(), c.measured());
        double median = epoch[0];
        int warmUp = (int) epoch[1];
        int rows = data.yTrain().dim(0);
        int steps = (rows + c.batch() - 1) / c.batch();
        double flops = 4.0 * rows * inputs * c.hidden() + 6.0 * rows * c.hidden() * 10;
        out.printf("%-12s h=%-5d b=%-4d %9.3f %9.0f %9.1f %7.0f%%   %d epoch%s%n", c.name(), c.hidden(), c.batch(), median, steps / median,
                flops / median / 1e9, 100 * flops / median / 1e9 / peak, warmUp, warmUp == 1 ? "" : "s");
        out.flush();
        return median;
    }

    /**
     * Epochs of {@code train}'s steps with Adam (batches converted from uint8 as it does), without the test evaluation:
     * warm-up epochs until the JIT compilers rest (see {@link #QUIET_COMPILING}), then the median of {@code measured}
     * epochs.
     *
     * @return the median epoch's seconds, and the number of warm-up epochs
     */
    private static double[] epochs(Layer model, Prepared data, int batch, int measured) throws Exception {
        Adam adam = new Adam(0.001);
        Dataset batches = data.trainingBatches(batch, false, 0);
        int steps = (data.yTrain().dim(0) + batch - 1) / batch;
        Tensor noTestImages = data.noTestImages(), noTestLabels = data.noTestLabels();
        double[] seconds = new double[1];
        int[] epoch = {0};
        int warmUp = JvmActivity.warmUp(() -> {
            epoch[0]++;
            Trainer.fit(model, batches, steps, noTestImages, noTestLabels, adam, epoch[0], epoch[0], e -> seconds[0] = e.seconds());
            return seconds[0];
        }, QUIET_COMPILING, MAX_WARM_UP_SECONDS);
        double[] times = new double[measured];
        Trainer.fit(model, batches, steps, noTestImages, noTestLabels, adam, warmUp + 1, warmUp + measured, e -> times[e.number() - warmUp - 1] = e.seconds());
        Arrays.sort(times);
        return new double[] {times[times.length / 2], warmUp};
    }
}
