package dev.scratchnet.op;

import dev.scratchnet.kernel.Parallel;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.util.function.LongPredicate;

/**
 * A seeded source of random tensors, like {@code tf.random.Generator.from_seed(seed)}: the same seed gives the same
 * values on every run, JVM and thread count. The stream is SplitMix64, the same values as {@link
 * java.util.SplittableRandom} with the same seed (and the same splits), and normal variates come from the Box-Muller
 * transform in {@link StrictMath}, so nothing depends on the platform. The stream is kept here rather than in a
 * {@code SplittableRandom} because its n-th value is a function of n alone: long runs of it (dropout's masks) are
 * computed on all cores, without a branch per value, and the stream then skips past them.
 */
public final class Generator {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    /** The number of values above which {@link #atLeast} splits its run over the cores. */
    private static final int PARALLEL_THRESHOLD = 1 << 15;

    private long seed;
    private final long gamma;

    private Generator(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /**
     * A generator whose values follow from {@code seed} alone.
     *
     * @param seed the seed
     * @return a generator whose values follow from {@code seed} alone
     */
    public static Generator fromSeed(long seed) {
        return new Generator(seed, GOLDEN_GAMMA);
    }

    /**
     * An independent generator, for one use that must not disturb this generator's later values.
     *
     * @return an independent generator, for one use that must not disturb this generator's later values
     */
    public Generator split() {
        long first = nextLong();
        return new Generator(first, mixGamma(seed += gamma));
    }

    /**
     * float32 values from the normal distribution with the given mean and standard deviation.
     *
     * @param dims the dimensions of the shape
     * @param mean the mean
     * @param stddev the standard deviation
     * @return float32 values from the normal distribution with the given mean and standard deviation
     */
    public Tensor normal(int[] dims, double mean, double stddev) {
        return normal(dims, mean, stddev, DType.FLOAT32);
    }

    /**
     * Values of {@code dtype} from the normal distribution with the given mean and standard deviation.
     *
     * @param dims the dimensions of the shape
     * @param mean the mean
     * @param stddev the standard deviation
     * @param dtype the element type
     * @return a new tensor of shape {@code dims}
     */
    public Tensor normal(int[] dims, double mean, double stddev, DType dtype) {
        return fill(dims, dtype, () -> mean + stddev * nextGaussian());
    }

    /**
     * Normal values, redrawn when more than two standard deviations from the mean, like {@code tf.random.truncated_normal}.
     *
     * @param dims the dimensions of the shape
     * @param mean the mean
     * @param stddev the standard deviation
     * @param dtype the element type
     * @return normal values, redrawn when more than two standard deviations from the mean
     */
    public Tensor truncatedNormal(int[] dims, double mean, double stddev, DType dtype) {
        return fill(dims, dtype, () -> {
            double z;
            do {
                z = nextGaussian();
            } while (Math.abs(z) > 2);
            return mean + stddev * z;
        });
    }

    /**
     * float32 values uniform in {@code [min, max)}.
     *
     * @param dims the dimensions of the shape
     * @param min the lower bound
     * @param max the upper bound
     * @return float32 values uniform in {@code [min, max)}
     */
    public Tensor uniform(int[] dims, double min, double max) {
        return uniform(dims, min, max, DType.FLOAT32);
    }

    /**
     * Values of {@code dtype} drawn uniformly from {@code [min, max)}.
     *
     * @param dims the dimensions of the shape
     * @param min the lower bound
     * @param max the upper bound
     * @param dtype the element type
     * @return a new tensor of shape {@code dims}
     */
    public Tensor uniform(int[] dims, double min, double max, DType dtype) {
        if (!(min < max)) {
            throw new IllegalArgumentException("uniform: need min < max, got " + min + " and " + max);
        }
        return fill(dims, dtype, () -> min + (max - min) * nextDouble());
    }

    /**
     * For the next {@code out.length} values of {@link #uniform}'s stream on [0, 1), {@code value} where the value as a
     * float32 is at least {@code threshold} as a float32 ({@code (float) u >= (float) threshold}), else 0.
     */
    void atLeast(double threshold, float value, float[] out) {
        float rounded = (float) threshold;
        mask(lowest(v -> (float) (v * 0x1.0p-53) >= rounded), value, out, null);
    }

    /**
     * For the next {@code out.length} values of {@link #uniform}'s stream on [0, 1), {@code value} where the value is at
     * least {@code threshold}, else 0.
     */
    void atLeast(double threshold, double value, double[] out) {
        mask(lowest(v -> v * 0x1.0p-53 >= threshold), value, null, out);
    }

    /** The smallest 53-bit integer v for which {@code passes} holds, which is monotone in v (2^53 where none does). */
    private static long lowest(LongPredicate passes) {
        long lowest = 0, highest = 1L << 53;
        while (lowest < highest) {
            long v = (lowest + highest) >>> 1;
            if (passes.test(v)) {
                highest = v;
            } else {
                lowest = v + 1;
            }
        }
        return lowest;
    }

    /**
     * {@code value} where the 53 bits of the stream's next values are at least {@code passing}, else 0, into the whole
     * of {@code float32} or of {@code float64} (the other is null); the stream then skips past them.
     */
    private void mask(long passing, double value, float[] float32, double[] float64) {
        float value32 = (float) value;
        long first = seed, step = gamma;
        int n = float32 != null ? float32.length : float64.length;
        int parts = n < PARALLEL_THRESHOLD ? 1 : Parallel.threads();
        Parallel.forEach(parts, part -> {
            for (int i = (int) ((long) n * part / parts), end = (int) ((long) n * (part + 1) / parts); i < end; i++) {
                // 1 unless (bits - passing) is negative, taken from its sign bit: no branch on a random value.
                long kept = 1 - ((mix64(first + (i + 1L) * step) >>> 11) - passing >>> 63);
                if (float32 != null) {
                    float32[i] = kept * value32;
                } else {
                    float64[i] = kept * value;
                }
            }
        });
        seed = first + n * step;
    }

    private long nextLong() {
        return mix64(seed += gamma);
    }

    private double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's output function (Stafford's variant 13 of MurmurHash3's finalizer). */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The increment of a split-off stream: odd, with enough bit transitions to mix well. */
    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        return Long.bitCount(z ^ (z >>> 1)) < 24 ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }

    private Tensor fill(int[] dims, DType dtype, java.util.function.DoubleSupplier values) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("random values need a float dtype, got " + dtype);
        }
        Shape shape = Shape.of(dims);
        Object data = Storage.allocate(dtype, shape.size());
        for (int i = 0; i < shape.size(); i++) {
            Storage.setDouble(data, i, values.getAsDouble());
        }
        return Tensor.wrap(shape, data);
    }

    private double nextGaussian() {
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0);
        double u2 = nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
