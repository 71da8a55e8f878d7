package dev.scratchnet.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What the JVM itself did over a stretch of time: the JIT compilers' working time and the collector's pauses. In a
 * short run on few cores the compilers compete with training for the cores, which no op's timing shows.
 */
record JvmActivity(long compileMillis, long collections, long collectionMillis) {
    static JvmActivity now() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long compile = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        long count = 0, millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new JvmActivity(compile, count, millis);
    }

    /** The activity between {@code start} and now. */
    static JvmActivity since(JvmActivity start) {
        JvmActivity end = now();
        long compile = start.compileMillis < 0 || end.compileMillis < 0 ? -1 : end.compileMillis - start.compileMillis;
        return new JvmActivity(compile, end.collections - start.collections, end.collectionMillis - start.collectionMillis);
    }

    /** A round of warm-up work, which gives the seconds it took. */
    @FunctionalInterface
    interface Round {
        double run() throws Exception;
    }

    /**
     * Runs {@code round} until one in which the JIT compilers worked less than {@code quietShare} of its time (one
     * round, for a JIT that does not report its time), or until the rounds have taken {@code maxSeconds}: while the
     * compilers work they take a core, and the code they compile is not yet what it will be.
     *
     * @return the rounds run
     */
    static int warmUp(Round round, double quietShare, double maxSeconds) throws Exception {
        int rounds = 0;
        double total = 0;
        boolean quiet = false;
        while (!quiet && total < maxSeconds) {
            JvmActivity before = now();
            double seconds = round.run();
            rounds++;
            total += seconds;
            quiet = since(before).compileMillis < quietShare * seconds * 1e3;
        }
        return rounds;
    }

    /** One line for the profile, measured against {@code seconds} of wall time. */
    String describe(double seconds) {
        int cores = Runtime.getRuntime().availableProcessors();
        String jit = compileMillis < 0 ? "the JIT compilers' time is not reported by this JVM"
                : String.format(Locale.ROOT, "the JIT compilers worked %.2f s (%.0f%% of %d cores)", compileMillis / 1e3,
                100 * compileMillis / 1e3 / (seconds * cores), cores);
        return String.format(Locale.ROOT, "Meanwhile %s, and the garbage collector paused %d times for %d ms in all.", jit, collections,
                collectionMillis);
    }
}
