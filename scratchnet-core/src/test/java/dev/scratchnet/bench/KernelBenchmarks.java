package dev.scratchnet.bench;

import dev.scratchnet.kernel.BinaryOp;
import dev.scratchnet.kernel.BroadcastPlan;
import dev.scratchnet.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of the kernels of one training step of the chapter's network (batch 64, 784-128-10), on the
 * kernels {@link Kernels} selects (Vector API when the module is added). Run with {@code mvn -B test-compile exec:exec@jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelBenchmarks {
    @Param({"1", "2"})
    int threads;

    float[] x = random(64 * 784), w1 = random(784 * 128), dh = random(64 * 128), w2 = random(128 * 10), dLogits = random(64 * 10);
    float[] hidden = new float[64 * 128], weightGrad = new float[784 * 128], inputGrad = new float[64 * 128];
    float[] m = new float[784 * 128], v = new float[784 * 128], bias = random(128);
    BroadcastPlan biasPlan = BroadcastPlan.of(new int[] {64, 128}, new int[] {64, 128}, new int[] {128}, new int[] {64, 128});

    private static float[] random(int n) {
        Random r = new Random(n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * 0.1f;
        }
        return a;
    }

    @Setup
    public void setUp() {
        Kernels.setThreads(threads);
    }

    /** The forward product x·W1, A·B. */
    @Benchmark
    public float[] forwardProduct() {
        Kernels.matMul().matmul(x, 0, w1, 0, hidden, 64, 128, 784, false, false);
        return hidden;
    }

    /** The weight gradient xᵀ·dh, Aᵀ·B. */
    @Benchmark
    public float[] weightGradient() {
        Kernels.matMul().matmul(x, 0, dh, 0, weightGrad, 784, 128, 64, true, false);
        return weightGrad;
    }

    /** The hidden layer's gradient dLogits·W2ᵀ, A·Bᵀ. */
    @Benchmark
    public float[] hiddenGradient() {
        Kernels.matMul().matmul(dLogits, 0, w2, 0, inputGrad, 64, 128, 10, false, true);
        return inputGrad;
    }

    /** Adam on W1. */
    @Benchmark
    public float[] adam() {
        Kernels.loops().adam(w1, m, v, weightGrad, 0, w1.length, 128, 1e-3f, 0.9f, 0.999f, 1e-7f);
        return w1;
    }

    /** The bias add, a broadcast element-wise op. */
    @Benchmark
    public float[] biasAdd() {
        Kernels.loops().zip(BinaryOp.ADD, biasPlan, hidden, 0, bias, 0, inputGrad);
        return inputGrad;
    }
}
