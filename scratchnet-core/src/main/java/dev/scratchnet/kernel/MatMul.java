package dev.scratchnet.kernel;

/**
 * Matrix products {@code C = op(A) · op(B)} where op is the identity or the transpose, for the three layouts a
 * training step needs (A·B forward, A·Bᵀ for the input gradient, Aᵀ·B for the weight gradient), with no transposed
 * copy of a whole operand: Aᵀ is read in place with other strides, and the vector path gathers Bᵀ a 64-column panel
 * at a time into the buffer it packs panels into anyway. {@code C} is [m, n] and dense; {@code op(A)} is [m, k];
 * {@code op(B)} is [k, n]; A and B are dense row-major from their offsets, so A is [k, m] when {@code transA}.
 */
public interface MatMul {
    /** Below this many multiply-adds a product runs on the caller's thread alone. */
    long PARALLEL_THRESHOLD = 1 << 18;
    /** Products with at most this many outputs may split the shared dimension (see {@link #splitPoint}). */
    int SPLIT_MAX_OUTPUTS = 1 << 16;

    /**
     * The primitive each implementation provides: C = A·B over {@code k} steps of the shared dimension, A's element
     * (i, p) at {@code aOff + i·aRow + p·aCol}, B's element (p, j) at {@code bOff + p·bRow + j·bCol}. Every element
     * of C, row-major from {@code cOff}, is written.
     */
    void product(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int m, int n, int k);

    /** The rows of a panel of a packed A ({@link #packedProduct}). */
    int PANEL_ROWS = 10;
    /** A packed A's columns come in chunks of this many ({@link #packedProduct}). */
    int PANEL_CHUNK = 16;

    /**
     * C = A·B as {@link #product} computes it (the same bits), for an A packed into panels of {@value #PANEL_ROWS} rows
     * ({@link #packedIndex}), so that the rows a tile of C broadcasts from lie a fixed distance apart: with A's rows
     * read in place, a tile needs an index per row, and the Winograd products {@code [120, 64]·[64, 32]} ran at 76-112
     * GFLOP/s on one core instead of 130-160. B's element (p, j) is at {@code bOff + p·bRow + j}; C is
     * {@code [m, n]} row-major from {@code cOff}. {@code m} is a multiple of {@value #PANEL_ROWS}: every row of the
     * panels is multiplied and written.
     */
    void packedProduct(float[] a, int aOff, float[] b, int bOff, int bRow, float[] c, int cOff, int m, int n, int k);

    /**
     * Where element (i, p) of an A with {@code k} columns lies when packed for {@link #packedProduct}: the rows in panels
     * of {@value #PANEL_ROWS}, each panel's columns in chunks of {@value #PANEL_CHUNK}, each chunk row by row.
     */
    static int packedIndex(int i, int p, int k) {
        return i / PANEL_ROWS * PANEL_ROWS * packedColumns(k) + i % PANEL_ROWS * PANEL_CHUNK + chunked(p, PANEL_ROWS * PANEL_CHUNK);
    }

    /**
     * Where column {@code p} of a row kept in chunks of {@value #PANEL_CHUNK} columns, {@code chunkStride} apart, lies
     * from the row's first column (in a packed A, a panel's {@value #PANEL_ROWS} rows of a chunk lie between).
     */
    static int chunked(int p, int chunkStride) {
        return p / PANEL_CHUNK * chunkStride + p % PANEL_CHUNK;
    }

    /** The columns a packed row takes: {@code k} rounded up to whole chunks. */
    static int packedColumns(int k) {
        return (k + PANEL_CHUNK - 1) / PANEL_CHUNK * PANEL_CHUNK;
    }

    /** The product in one of the three layouts, split over the shared dimension where {@link #splitPoint} says. */
    default void matmul(float[] a, int aOff, float[] b, int bOff, float[] c, int m, int n, int k, boolean transA, boolean transB) {
        int half = splitPoint(m, n, k, transA, transB);
        if (half > 0) {
            float[] upper = new float[m * n];
            Parallel.forEach(2, part -> {
                if (part == 0) {
                    product(a, aOff, k, 1, b, bOff, n, 1, c, 0, m, n, half);
                } else {
                    product(a, aOff + half, k, 1, b, bOff + half * n, n, 1, upper, 0, m, n, k - half);
                }
            });
            for (int i = 0; i < upper.length; i++) {
                c[i] += upper[i];
            }
        } else {
            product(a, aOff, transA ? 1 : k, transA ? m : 1, b, bOff, transB ? 1 : n, transB ? k : 1, c, 0, m, n, k);
        }
    }

    /**
     * Where the shared dimension of a float32 product is cut in two, or 0 where it is not. A batch times a large
     * weight matrix ({@code A·B} large enough to run in parallel, with at most {@value #SPLIT_MAX_OUTPUTS} outputs, so
     * that the second half's partial result stays in cache) is computed as two halves over {@code k}, side by side,
     * then added: each core reads only its half of the rows of B, the rows it also owns in the weight gradient and in
     * the optimizer's update, instead of all of B. The cut depends on the shapes alone, never on the thread count, so
     * results are the same on any number of threads and on both kernel paths.
     */
    static int splitPoint(int m, int n, int k, boolean transA, boolean transB) {
        boolean split = !transA && !transB && k >= 2 && (long) m * n <= SPLIT_MAX_OUTPUTS && (long) m * n * k >= PARALLEL_THRESHOLD;
        return split ? k / 2 : 0;
    }

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
