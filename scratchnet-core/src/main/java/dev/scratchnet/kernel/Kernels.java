package dev.scratchnet.kernel;

/**
 * Chooses the implementation of the speed-critical kernels: the Vector API path where the
 * {@code jdk.incubator.vector} module is present, the portable scalar path otherwise (with a one-line notice on
 * standard error, once, since the products then run many times slower). The system property
 * {@code scratchnet.kernels=scalar} forces the portable path without the notice.
 */
public final class Kernels {
    private static volatile MatMul matMul;
    private static volatile Loops loops;

    static {
        useVectorized(true);
        if (!vectorized() && !forcedScalar()) {
            System.err.println("scratchnet: the Vector API is not enabled, so the portable kernels run (many times slower); "
                    + "start java with --add-modules jdk.incubator.vector for the fast ones");
        }
    }

    private Kernels() {
    }

    public static MatMul matMul() {
        return matMul;
    }

    public static Loops loops() {
        return loops;
    }

    /** True when the vectorised kernels are in use. */
    public static boolean vectorized() {
        return !(matMul instanceof ScalarMatMul);
    }

    /** Selects the portable kernels ({@code false}) or the best available ({@code true}); for tests and benchmarks. */
    public static void useVectorized(boolean vectorized) {
        boolean vector = vectorized && vectorApiAvailable();
        matMul = vector ? create("VectorMatMul", new ScalarMatMul()) : new ScalarMatMul();
        loops = vector ? create("VectorLoops", new ScalarLoops()) : new ScalarLoops();
    }

    /** Sets how many threads the kernels use. */
    public static void setThreads(int threads) {
        Parallel.setThreads(threads);
    }

    private static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !forcedScalar();
    }

    private static boolean forcedScalar() {
        return "scalar".equals(System.getProperty("scratchnet.kernels"));
    }

    /** The Vector API implementation, loaded by name so that nothing links to the module when it is absent. */
    private static <T> T create(String className, T fallback) {
        try {
            @SuppressWarnings("unchecked")
            T kernel = (T) Class.forName(Kernels.class.getPackageName() + "." + className).getDeclaredConstructor().newInstance();
            return kernel;
        } catch (ReflectiveOperationException | LinkageError e) {
            return fallback;
        }
    }
}
