package dev.scratchnet.op;

import dev.scratchnet.tensor.DType;

/**
 * Weight initializers with Keras' definitions, each drawing from a seeded {@link Generator}. Fan-in and fan-out
 * follow Keras: for a matrix [in, out] they are its two dimensions; for a convolution filter [kh, kw, in, out]
 * each is multiplied by the window size kh·kw.
 */
public final class Initializers {
    private Initializers() {
    }

    private static double[] fans(int[] dims) {
        if (dims.length < 2) {
            int n = dims.length == 0 ? 1 : dims[0];
            return new double[] {n, n};
        }
        double receptive = 1;
        for (int i = 0; i < dims.length - 2; i++) {
            receptive *= dims[i];
        }
        return new double[] {dims[dims.length - 2] * receptive, dims[dims.length - 1] * receptive};
    }

    /**
     * Uniform in ±sqrt(6 / (fanIn + fanOut)).
     *
     * @param random the seeded source of the initial values
     * @param dims the dimensions of the shape
     * @return uniform in ±sqrt(6 / (fanIn + fanOut))
     */
    public static Tensor glorotUniform(Generator random, int... dims) {
        double[] f = fans(dims);
        double limit = Math.sqrt(6 / (f[0] + f[1]));
        return random.uniform(dims, -limit, limit, DType.FLOAT32);
    }

    /**
     * Truncated normal with stddev sqrt(2 / (fanIn + fanOut)) (Keras' truncation correction 0.8796...).
     *
     * @param random the seeded source of the initial values
     * @param dims the dimensions of the shape
     * @return truncated normal with stddev sqrt(2 /
     */
    public static Tensor glorotNormal(Generator random, int... dims) {
        double[] f = fans(dims);
        return random.truncatedNormal(dims, 0, Math.sqrt(2 / (f[0] + f[1])) / .87962566103423978, DType.FLOAT32);
    }

    /**
     * Truncated normal with stddev sqrt(2 / fanIn), for ReLU layers.
     *
     * @param random the seeded source of the initial values
     * @param dims the dimensions of the shape
     * @return truncated normal with stddev sqrt(2 / fanIn), for ReLU layers
     */
    public static Tensor heNormal(Generator random, int... dims) {
        return random.truncatedNormal(dims, 0, Math.sqrt(2 / fans(dims)[0]) / .87962566103423978, DType.FLOAT32);
    }

    /**
     * Uniform in ±sqrt(6 / fanIn).
     *
     * @param random the seeded source of the initial values
     * @param dims the dimensions of the shape
     * @return uniform in ±sqrt(6 / fanIn)
     */
    public static Tensor heUniform(Generator random, int... dims) {
        double limit = Math.sqrt(6 / fans(dims)[0]);
        return random.uniform(dims, -limit, limit, DType.FLOAT32);
    }

    /**
     * Normal with the given stddev, redrawn beyond two standard deviations.
     *
     * @param random the seeded source of the initial values
     * @param stddev the standard deviation
     * @param dims the dimensions of the shape
     * @return normal with the given stddev, redrawn beyond two standard deviations
     */
    public static Tensor truncatedNormal(Generator random, double stddev, int... dims) {
        return random.truncatedNormal(dims, 0, stddev, DType.FLOAT32);
    }
}
