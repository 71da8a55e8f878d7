package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.util.SplittableRandom;

/**
 * A seeded source of random tensors, like {@code tf.random.Generator.from_seed(seed)}: the same seed gives the same
 * values on every run, JVM and thread count. The stream is SplitMix64 (specified by {@link SplittableRandom}) and
 * normal variates come from the Box-Muller transform in {@link StrictMath}, so nothing depends on the platform.
 */
public final class Generator {
    private final SplittableRandom random;

    private Generator(SplittableRandom random) {
        this.random = random;
    }

    /**
     * A generator whose values follow from {@code seed} alone.
     *
     * @param seed the seed
     * @return a generator whose values follow from {@code seed} alone
     */
    public static Generator fromSeed(long seed) {
        return new Generator(new SplittableRandom(seed));
    }

    /**
     * An independent generator, for one use that must not disturb this generator's later values.
     *
     * @return an independent generator, for one use that must not disturb this generator's later values
     */
    public Generator split() {
        return new Generator(random.split());
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
        return fill(dims, dtype, () -> min + (max - min) * random.nextDouble());
    }

    /** The next value of {@link #uniform}'s stream on [0, 1), as a float64. */
    double nextUniform() {
        return random.nextDouble();
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
            u1 = random.nextDouble();
        } while (u1 == 0);
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
