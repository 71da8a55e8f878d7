package dev.scratchnet.kernel;

/** Dense float32 transposes, for the product kernels that want B's rows contiguous. */
final class Transpose {
    private static final int BLOCK = 32;

    private Transpose() {
    }

    /** The [cols, rows] transpose of the [rows, cols] matrix at {@code off}, in blocks that stay in cache. */
    static float[] of(float[] x, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                for (int r = r0; r < Math.min(r0 + BLOCK, rows); r++) {
                    for (int c = c0; c < Math.min(c0 + BLOCK, cols); c++) {
                        t[c * rows + r] = x[off + r * cols + c];
                    }
                }
            }
        }
        return t;
    }
}
