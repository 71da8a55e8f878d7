package dev.scratchnet.op;

import dev.scratchnet.kernel.Parallel;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The generator's stream is the JDK's SplitMix64 ({@link SplittableRandom}), value for value, split for split. */
class GeneratorTest {
    private static final long[] SEEDS = {0, 1, 42, -7, Long.MIN_VALUE, 0x123456789abcdefL};

    @Test
    void theSameValuesAsSplittableRandomWithTheSameSeedAndSplits() {
        for (long seed : SEEDS) {
            Generator ours = Generator.fromSeed(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            assertStreamsAgree(ours, jdk, 100, "seed " + seed);
            Generator ourChild = ours.split();
            SplittableRandom jdkChild = jdk.split();
            assertStreamsAgree(ourChild, jdkChild, 100, "the split of seed " + seed);
            assertStreamsAgree(ourChild.split(), jdkChild.split(), 100, "the split of the split of seed " + seed);
            assertStreamsAgree(ours, jdk, 100, "seed " + seed + " after its split");
        }
    }

    @Test
    void atLeastComparesTheStreamsValuesOneByOneAndSkipsPastThem() {
        double[] thresholds = {0, 0.25, 0.5, 1e-9, 1.0 / 3, 0.99999999, 1 - 0x1p-26, Math.nextDown(1.0)};
        int threads = Parallel.threads();
        try {
            for (int t : new int[] {1, 2, 3}) {
                Parallel.setThreads(t);
                for (double threshold : thresholds) {
                    for (int n : new int[] {1, 7, 100_003}) {
                        for (boolean asFloat32 : new boolean[] {true, false}) {
                            String where = "threshold " + threshold + ", n " + n + (asFloat32 ? ", float32" : ", float64") + ", " + t + " thread(s)";
                            Generator ours = Generator.fromSeed(n + 31L * t);
                            SplittableRandom jdk = new SplittableRandom(n + 31L * t);
                            float[] float32 = asFloat32 ? new float[n] : null;
                            double[] float64 = asFloat32 ? null : new double[n];
                            if (asFloat32) {
                                ours.atLeast(threshold, 1.5f, float32);
                            } else {
                                ours.atLeast(threshold, 1.5, float64);
                            }
                            for (int i = 0; i < n; i++) {
                                double u = jdk.nextDouble();
                                boolean passes = asFloat32 ? (float) u >= (float) threshold : u >= threshold;
                                assertEquals(passes ? 1.5 : 0, asFloat32 ? float32[i] : float64[i], where + ", value " + i + " = " + u);
                            }
                            assertStreamsAgree(ours, jdk, 3, where + ", after the run");
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static void assertStreamsAgree(Generator ours, SplittableRandom jdk, int n, String where) {
        double[] values = ours.uniform(new int[] {n}, 0, 1, DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < n; i++) {
            assertEquals(jdk.nextDouble(), values[i], where + ", value " + i);
        }
    }
}
