package dev.scratchnet.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The shared pool that splits large kernels over the cores. A kernel cuts its work into parts and calls
 * {@link #forEach}; the calling thread works on the parts too. A training step hands work over many times per
 * millisecond, so the workers wait briefly before they park, and a hand-over costs a few microseconds rather than
 * a thread wake-up. While they wait they yield the core to any other thread that wants it: in the first seconds of
 * a run that is the JIT compiler, which then finishes the kernels' fast code sooner (the second epoch of the
 * chapter's recipe took 0.5 s instead of 0.6-0.85). Part i goes to thread i mod threads, so kernels that cut the same
 * data the same way (the row halves of a weight matrix, say) find it in that core's cache; but a caller done with its
 * own parts takes over the parts no worker has started. While the JIT compiler competes for the cores, a worker is
 * often off its core for milliseconds, and waiting for it made the first epoch of the chapter's recipe twice as long
 * (1.4-2.1 s against 0.7-1.0). Which thread runs which part never changes a result: parts write disjoint outputs.
 *
 * <p>A call made while the pool is busy (from another thread, or nested inside a part) runs on its caller alone.
 */
public final class Parallel {
    /** How long an idle worker waits for the next job before it parks. */
    private static final long SPIN_NANOS = 200_000;

    private static final ReentrantLock BUSY = new ReentrantLock();
    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static Worker[] workers = new Worker[0];
    /** The job on offer; workers take parts of it until none are left. */
    private static volatile Job current;

    private Parallel() {
    }

    /**
     * One call's work: thread t runs parts t, t + threads, ...; a thread done with its own parts then takes any part
     * no thread has started (a worker the system has not scheduled for a while would otherwise hold everyone up).
     */
    private static final class Job {
        final IntConsumer body;
        final int parts;
        final int stride;
        final AtomicIntegerArray started;
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int parts, int stride) {
            this.body = body;
            this.parts = parts;
            this.stride = stride;
            this.started = new AtomicIntegerArray(parts);
        }

        void work(int thread) {
            for (int i = thread; i < parts; i += stride) {
                run(i);
            }
        }

        void takeUnstarted() {
            for (int i = 0; i < parts; i++) {
                run(i);
            }
        }

        private void run(int part) {
            if (started.get(part) != 0 || !started.compareAndSet(part, 0, 1)) {
                return;
            }
            try {
                body.accept(part);
            } catch (Throwable t) {
                failure = t;
            } finally {
                done.incrementAndGet();
            }
        }
    }

    public static int threads() {
        return threads;
    }

    /** Sets how many threads kernels use (1 runs everything on the caller's thread). */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        BUSY.lock();
        try {
            for (Worker w : workers) {
                w.stop = true;
                LockSupport.unpark(w);
            }
            workers = new Worker[0];
            threads = n;
        } finally {
            BUSY.unlock();
        }
    }

    /** Runs {@code part.accept(i)} for every i in {@code [0, parts)}, spread over the pool, and waits for all. */
    public static void forEach(int parts, IntConsumer part) {
        if (parts <= 1 || threads == 1 || Thread.currentThread() instanceof Worker || BUSY.isHeldByCurrentThread() || !BUSY.tryLock()) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        try {
            if (workers.length != threads - 1) {
                startWorkers();
            }
            Job job = new Job(part, parts, threads);
            current = job;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            job.work(0);
            job.takeUnstarted();
            while (job.done.get() < parts) {
                Thread.onSpinWait();
            }
            current = null;
            Throwable t = job.failure;
            if (t instanceof RuntimeException r) {
                throw r;
            } else if (t instanceof Error e) {
                throw e;
            } else if (t != null) {
                throw new IllegalStateException(t);
            }
        } finally {
            BUSY.unlock();
        }
    }

    private static void startWorkers() {
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** A pool thread: waits for a job it has not seen, helps with it, and waits again. */
    private static final class Worker extends Thread {
        final int index;
        volatile boolean parked;
        volatile boolean stop;
        private Job seen;

        Worker(int index) {
            super("scratchnet-kernel-" + index);
            setDaemon(true);
            this.index = index;
        }

        @Override
        public void run() {
            while (!stop) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                Job job;
                while ((job = current) == null || job == seen) {
                    if (stop) {
                        return;
                    }
                    if (System.nanoTime() < spinUntil) {
                        Thread.yield();
                    } else {
                        parked = true;
                        job = current;
                        if (job == null || job == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                if (stop) {
                    // Retired by setThreads: this job belongs to the workers that replaced us. (The pool posts jobs
                    // only after retiring, so a worker that sees a new job also sees that it was retired.)
                    return;
                }
                seen = job;
                job.work(index);
            }
        }
    }
}
