package dev.scratchnet.kernel;

/**
 * Matrix products {@code C = op(A) · op(B)} where op is the identity or the transpose, for the three layouts a
 * training step needs (A·B forward, A·Bᵀ for the input gradient, Aᵀ·B for the weight gradient) without
 * materialising a transpose. {@code C} is [m, n] and dense; {@code op(A)} is [m, k]; {@code op(B)} is [k, n]; A and B
 * are dense row-major from their offsets, so A is [k, m] when {@code transA}.
 */
public interface MatMul {
    void matmul(float[] a, int aOff, float[] b, int bOff, float[] c, int m, int n, int k, boolean transA, boolean transB);

    /** The float64 product, a plain loop: float64 serves precision (gradient checks), not speed. */
    static void matmul(double[] a, int aOff, double[] b, int bOff, double[] c, int m, int n, int k, boolean transA, boolean transB) {
        int aRow = transA ? 1 : k, aCol = transA ? m : 1;
        int bRow = transB ? 1 : n, bCol = transB ? k : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + i * aRow + p * aCol] * b[bOff + p * bRow + j * bCol];
                }
                c[i * n + j] = sum;
            }
        }
    }
}
