package dev.scratchnet.kernel;

import java.util.SplittableRandom;

/** Seeded data for the convolution kernels' tests. */
final class RandomFloats {
    private RandomFloats() {
    }

    /** {@code n} values uniform on [-1, 1), the same for the same seed. */
    static float[] uniform(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
