package dev.scratchnet.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

class ParallelTest {
    @AfterEach
    void restore() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void everyPartRunsExactlyOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            for (int round = 0; round < 2000; round++) {
                int parts = 1 + round % 7;
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                Parallel.forEach(parts, runs::incrementAndGet);
                for (int i = 0; i < parts; i++) {
                    assertEquals(1, runs.get(i), "threads " + threads + ", round " + round + ", part " + i);
                }
            }
        }
    }

    @Test
    void workersRetiredBySetThreadsNeverTakeALaterJob() throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            Parallel.setThreads(2 + round % 2);
            AtomicIntegerArray runs = new AtomicIntegerArray(6);
            Parallel.forEach(6, i -> {
                runs.incrementAndGet(i);
                Thread.yield();
            });
            for (int i = 0; i < 6; i++) {
                assertEquals(1, runs.get(i), "round " + round + ", part " + i);
            }
        }
    }

    @Test
    void theCallerTakesOverPartsNoWorkerHasStarted() {
        // A worker started afresh by setThreads needs far longer to begin than the caller needs for an empty part.
        boolean takenOver = false;
        for (int round = 0; round < 20 && !takenOver; round++) {
            Parallel.setThreads(2);
            Thread caller = Thread.currentThread();
            Thread[] ranOn = new Thread[2];
            Parallel.forEach(2, i -> ranOn[i] = Thread.currentThread());
            assertSame(caller, ranOn[0]);
            takenOver = ranOn[1] == caller;
        }
        assertTrue(takenOver, "the caller never took over the worker's part");
    }

    @Test
    void aFailingPartReachesTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(4, i -> {
            if (i == 3) {
                throw new IllegalStateException("part 3");
            }
        }));
        assertEquals("part 3", e.getMessage());
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        Parallel.forEach(2, runs::incrementAndGet);
        assertEquals(1, runs.get(1), "the pool still works afterwards");
    }

    @Test
    void nestedCallsRunOnTheirCaller() {
        Parallel.setThreads(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        Parallel.forEach(2, outer -> Parallel.forEach(2, inner -> runs.incrementAndGet(outer * 2 + inner)));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, runs.get(i));
        }
    }
}
