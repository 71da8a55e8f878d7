package dev.scratchnet.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The shared pool that splits large kernels over the cores. A kernel cuts its work into parts and calls
 * {@link #forEach}; the calling thread runs part 0 itself, so with one thread nothing is handed over at all.
 * How the work is cut never depends on the thread count, so results are the same whatever it is.
 */
public final class Parallel {
    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;

    private Parallel() {
    }

    public static int threads() {
        return threads;
    }

    /** Sets how many threads kernels use (1 runs everything on the caller's thread). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        threads = n;
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "scratchnet-kernel");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Runs {@code part.accept(i)} for i in {@code [0, parts)}, spread over the pool, and waits for all. */
    public static void forEach(int parts, IntConsumer part) {
        if (parts <= 1 || threads == 1) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        ExecutorService executor = pool();
        int workers = Math.min(threads, parts);
        Future<?>[] futures = new Future<?>[workers - 1];
        for (int w = 1; w < workers; w++) {
            int worker = w;
            futures[w - 1] = executor.submit(() -> {
                for (int i = worker; i < parts; i += workers) {
                    part.accept(i);
                }
            });
        }
        for (int i = 0; i < parts; i += workers) {
            part.accept(i);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }
}
