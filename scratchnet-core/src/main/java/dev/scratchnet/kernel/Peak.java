package dev.scratchnet.kernel;

/**
 * Measures the machine's peak float32 rate: independent chains of fused multiply-adds on values that stay in
 * registers, so nothing but the arithmetic units limits them. The yardstick of the benchmarks.
 */
public final class Peak {
    private static volatile float sink;

    private Peak() {
    }

    /**
     * GFLOP/s (a multiply-add counts as 2) on {@code threads} threads: the best of ten runs of a million rounds,
     * after the loop has run long enough for the JIT to compile it.
     */
    public static double gflops(int threads) {
        Loops loops = Kernels.loops();
        int rounds = 1_000_000;
        for (int i = 0; i < 20; i++) {
            sink += loops.fmaChains(rounds / 10);
        }
        double best = Double.MAX_VALUE;
        for (int attempt = 0; attempt < 10; attempt++) {
            long start = System.nanoTime();
            Parallel.forEach(threads, i -> sink += loops.fmaChains(rounds));
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return threads * (double) rounds * Loops.FMA_CHAINS * 2 * loops.lanes() / best / 1e9;
    }
}
