package dev.scratchnet.kernel;

/**
 * In-place parameter updates, one fused pass per variable.
 *
 * <p>Moments that decay towards zero (pixels that are never lit give a zero gradient at every step) would
 * become subnormal floats within an epoch, and arithmetic on subnormals is many times slower on x86. The JVM
 * cannot set the CPU's flush-to-zero mode, so these kernels flush moments below the smallest normal value to
 * zero, as TensorFlow does on CPU.
 */
public final class OptimizerKernels {
    private OptimizerKernels() {
    }

    /**
     * Keras' Adam: {@code m += (g - m)(1 - beta1)}, {@code v += (g² - v)(1 - beta2)},
     * {@code var -= alpha · m / (sqrt(v) + epsilon)}, with the bias correction already folded into {@code alpha}.
     */
    public static void adam(float[] var, float[] m, float[] v, float[] g, int gOff, int n,
                            float alpha, float beta1, float beta2, float epsilon) {
        float oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;
        for (int i = 0; i < n; i++) {
            float gi = g[gOff + i];
            float mi = flush(m[i] + (gi - m[i]) * oneMinusBeta1);
            float vi = flush(v[i] + (gi * gi - v[i]) * oneMinusBeta2);
            m[i] = mi;
            v[i] = vi;
            var[i] -= alpha * mi / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    /** {@link #adam(float[], float[], float[], float[], int, int, float, float, float, float)} in float64. */
    public static void adam(double[] var, double[] m, double[] v, double[] g, int gOff, int n,
                            double alpha, double beta1, double beta2, double epsilon) {
        for (int i = 0; i < n; i++) {
            double gi = g[gOff + i];
            m[i] += (gi - m[i]) * (1 - beta1);
            v[i] += (gi * gi - v[i]) * (1 - beta2);
            var[i] -= alpha * m[i] / (Math.sqrt(v[i]) + epsilon);
        }
    }

    static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
