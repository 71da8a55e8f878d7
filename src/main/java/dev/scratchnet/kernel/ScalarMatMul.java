package dev.scratchnet.kernel;

/**
 * The portable float32 product, used where the Vector API module is absent: for each row of C, the loop over
 * the shared dimension adds a multiple of a row of B, so the innermost loop runs along contiguous rows (which
 * the JIT vectorises on its own). Fused multiply-adds in the same order as {@link VectorMatMul} give the same bits.
 */
final class ScalarMatMul implements MatMul {
    @Override
    public void matmul(float[] a, int aOff, float[] b, int bOff, float[] c, int m, int n, int k, boolean transA, boolean transB) {
        int half = MatMul.splitPoint(m, n, k, transA, transB);
        if (half > 0) {
            float[] upper = new float[m * n];
            product(a, aOff, k, 1, b, bOff, c, m, n, half);
            product(a, aOff + half, k, 1, b, bOff + half * n, upper, m, n, k - half);
            MatMul.addInto(c, upper);
            return;
        }
        if (transB) {
            product(a, aOff, transA ? 1 : k, transA ? m : 1, Transpose.of(b, bOff, n, k), 0, c, m, n, k);
        } else {
            product(a, aOff, transA ? 1 : k, transA ? m : 1, b, bOff, c, m, n, k);
        }
    }

    /** C = A·B over {@code k} steps of the shared dimension, A's element (i, p) at {@code aOff + i·aRow + p·aCol}, B dense [k, n]. */
    private static void product(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, float[] c, int m, int n, int k) {
        java.util.Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * aRow + p * aCol];
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                }
            }
        }
    }
}
