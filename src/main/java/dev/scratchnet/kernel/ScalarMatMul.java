package dev.scratchnet.kernel;

/**
 * The portable float32 product: loops ordered so the innermost runs along contiguous rows of B and C
 * (which the JIT vectorises on its own), used where the Vector API module is absent.
 */
final class ScalarMatMul implements MatMul {
    @Override
    public void matmul(float[] a, int aOff, float[] b, int bOff, float[] c, int m, int n, int k, boolean transA, boolean transB) {
        if (transB) {
            float[] bt = new float[k * n];
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    bt[p * n + j] = b[bOff + j * k + p];
                }
            }
            b = bt;
            bOff = 0;
        }
        java.util.Arrays.fill(c, 0, m * n, 0f);
        int aRow = transA ? 1 : k, aCol = transA ? m : 1;
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * aRow + p * aCol];
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
    }
}
