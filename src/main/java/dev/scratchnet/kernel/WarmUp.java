package dev.scratchnet.kernel;

/**
 * Runs the kernels of a training step on small arrays of its own, so that the JIT compiles them before a training
 * run needs them: until it does, Vector API code runs interpreted, hundreds of times slower than compiled, and the
 * first steps of a run crawl. Started on a daemon thread at the beginning of a run, it works while the data loads
 * and the first steps run. The sizes stay below the parallel thresholds, so it never takes the thread pool, and it
 * shares no data with anything: no result ever depends on whether or when it ran.
 */
public final class WarmUp {
    private static final int ROUNDS = 3000;

    private WarmUp() {
    }

    /** Starts the warm-up on a daemon thread, unless the portable kernels are in use (they compile quickly anyway). */
    public static void startInBackground() {
        if (!Kernels.vectorized()) {
            return;
        }
        Thread thread = new Thread(WarmUp::run, "scratchnet-kernel-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Every product layout and loop a dense training step uses, {@value #ROUNDS} times over. */
    static void run() {
        MatMul matMul = Kernels.matMul();
        Loops loops = Kernels.loops();
        int m = 8, k = 40, n = 74;   // a full panel, whole vectors and a ragged tail
        float[] a = filled(m * k), b = filled(k * n), c = new float[m * n], t = new float[k * n];
        float[] bias = filled(n), two = {2f}, state = filled(m * n), moment1 = new float[m * n], moment2 = new float[m * n];
        byte[] pixels = new byte[m * k];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        int[] shape = {m, n}, row = {n}, scalar = {};
        BroadcastPlan same = BroadcastPlan.of(shape, shape, shape, shape);
        BroadcastPlan byRow = BroadcastPlan.of(shape, shape, row, shape);
        BroadcastPlan byScalar = BroadcastPlan.of(shape, shape, scalar, shape);
        BroadcastPlan columnSums = BroadcastPlan.of(shape, shape, new int[] {1, n});
        for (int round = 0; round < ROUNDS; round++) {
            matMul.matmul(a, 0, b, 0, c, m, n, k, false, false);
            matMul.matmul(a, 0, c, 0, t, k, n, m, true, false);
            matMul.matmul(c, 0, b, 0, a, m, k, n, false, true);
            loops.zip(BinaryOp.ADD, byRow, c, 0, bias, 0, c);
            loops.map(UnaryOp.RELU, c, 0, c, m * n);
            loops.zip(BinaryOp.RELU_GRAD, same, state, 0, c, 0, c);
            loops.zip(BinaryOp.MUL, same, state, 0, c, 0, c);
            loops.zip(BinaryOp.DIV, byScalar, c, 0, two, 0, c);
            java.util.Arrays.fill(bias, 0f);
            loops.accumulate(BinaryOp.ADD, columnSums, c, 0, bias);
            loops.adam(state, moment1, moment2, c, 0, m * n, n, 1e-3f, 0.9f, 0.999f, 1e-7f);
            loops.unsignedBytesDivided(pixels, 0, a, pixels.length, 255f);
        }
    }

    private static float[] filled(int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (i % 13 - 6) * 0.1f;
        }
        return x;
    }
}
