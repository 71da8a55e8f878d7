package dev.scratchnet.kernel;

/**
 * The portable float32 product, used where the Vector API module is absent: for each row of C, the loop over
 * the shared dimension adds a multiple of a row of B, so the innermost loop runs along contiguous rows (which
 * the JIT vectorises on its own). Fused multiply-adds in the same order as {@link VectorMatMul} give the same bits.
 */
final class ScalarMatMul implements MatMul {
    @Override
    public void product(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int m, int n, int k) {
        float[] rows = bCol == 1 ? b : columns(b, bOff, bRow, bCol, k, 0, n, n);
        int rowsOff = bCol == 1 ? bOff : 0, rowStride = bCol == 1 ? bRow : n;
        java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * aRow + p * aCol];
                int bp = rowsOff + p * rowStride;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = Math.fma(aip, rows[bp + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    public void packedProduct(float[] a, int aOff, float[] b, int bOff, int bRow, float[] c, int cOff, int m, int n, int k) {
        packedColumns(a, aOff, b, bOff, bRow, c, cOff, m, n, k, 0);
    }

    /** Columns {@code [from, n)} of {@link #packedProduct}. */
    static void packedColumns(float[] a, int aOff, float[] b, int bOff, int bRow, float[] c, int cOff, int m, int n, int k, int from) {
        for (int i = 0; i < m; i++) {
            for (int j = from; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[aOff + MatMul.packedIndex(i, p, k)], b[bOff + p * bRow + j], sum);
                }
                c[cOff + i * n + j] = sum;
            }
        }
    }

    /**
     * Columns {@code [from, from + width)} of B as a dense [k, stride] matrix, each row padded with zeros: a B read
     * with other strides (transposed) made contiguous, for the loop above and for the vector path's last columns.
     */
    static float[] columns(float[] b, int bOff, int bRow, int bCol, int k, int from, int width, int stride) {
        float[] out = new float[k * stride];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < width; j++) {
                out[p * stride + j] = b[bOff + p * bRow + (from + j) * bCol];
            }
        }
        return out;
    }
}
