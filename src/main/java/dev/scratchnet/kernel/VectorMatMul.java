package dev.scratchnet.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 product on the Vector API. The output is cut into tiles of 4 rows by 4 vectors (64 columns with
 * AVX-512): a tile's 16 accumulators stay in registers while the loop runs over the shared dimension, loading
 * 4 vectors of a row of B and broadcasting 4 values of A for 16 fused multiply-adds. A transposed B is gathered a
 * panel at a time into a contiguous buffer, as long rows of B are. Rows that do not fill a tile take strips of four
 * rows by one vector; so do the columns that do not fill a panel, first copied into rows padded with zeros to whole
 * vectors (masked loads are slow on some JDKs). Every element is accumulated in the same order, with fused
 * multiply-adds, as in {@link ScalarMatMul}, so both give the same bits.
 */
final class VectorMatMul implements MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int ROWS = 4;
    private static final int COLS = 4 * L;
    /**
     * A panel of B is first copied into a contiguous buffer ("packed") when B's rows are at least this long: read in
     * place, its rows lie a kilobyte or more apart, map to the same few sets of the L1 cache and evict each other
     * (the product [512,784]·[784,1024] ran at 168-171 GFLOP/s in place, 203-213 packed, on 2 threads)...
     */
    private static final int PACK_MIN_COLUMNS = 256;
    /** ...and when each packed panel then serves at least this many tiles, to pay for the copy. */
    private static final int PACK_MIN_BLOCKS = 8;

    @Override
    public void product(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol, float[] c, int m, int n, int k) {
        int fullCols = n - n % COLS, fullRows = m - m % ROWS;
        int panels = fullCols / COLS, blocks = fullRows / ROWS;
        int restWidth = n - fullCols, restStride = (restWidth + L - 1) / L * L;
        float[] rest = restWidth == 0 ? null : ScalarMatMul.columns(b, bOff, bRow, bCol, k, fullCols, restWidth, restStride);
        int parts = (long) m * n * k < MatMul.PARALLEL_THRESHOLD ? 1 : Parallel.threads();
        // Split by panels where there are more of them than row blocks, or where B's panels are packed (long or
        // transposed rows): each core then packs only its own panels, and reads A as often either way.
        boolean byPanel = panels >= parts && (panels >= blocks || bCol != 1 || n >= PACK_MIN_COLUMNS);
        Parallel.forEach(parts, part -> {
            int p0, p1, r0, r1;
            if (byPanel) {
                p0 = panels * part / parts;
                p1 = panels * (part + 1) / parts;
                r0 = 0;
                r1 = blocks;
            } else {
                p0 = 0;
                p1 = panels;
                r0 = blocks * part / parts;
                r1 = blocks * (part + 1) / parts;
            }
            boolean lastRows = fullRows < m && (byPanel || part == parts - 1);
            boolean pack = bCol != 1 || n >= PACK_MIN_COLUMNS && r1 - r0 >= PACK_MIN_BLOCKS;
            float[] packed = pack ? new float[k * COLS] : null;
            for (int panel = p0; panel < p1; panel++) {
                float[] pb = b;
                int pbOff = bOff + panel * COLS * bCol, pbStride = bRow;
                if (pack) {
                    pack(b, pbOff, bRow, bCol, k, packed);
                    pb = packed;
                    pbOff = 0;
                    pbStride = COLS;
                }
                for (int block = r0; block < r1; block++) {
                    tile(a, aOff + block * ROWS * aRow, aRow, aCol, pb, pbOff, pbStride, c, block * ROWS * n + panel * COLS, n, k);
                }
                if (lastRows) {
                    strip(a, aOff, aRow, aCol, pb, pbOff, pbStride, c, n, k, fullRows, m, panel * COLS, COLS);
                }
            }
            if (rest != null) {
                // The columns right of the full panels, for this part's rows (and the last rows, for the last part).
                int rowsFrom = byPanel ? (part == 0 ? 0 : m) : r0 * ROWS;
                int rowsTo = byPanel || part == parts - 1 ? m : r1 * ROWS;
                strip(a, aOff, aRow, aCol, rest, 0, restStride, c, n, k, rowsFrom, rowsTo, fullCols, restWidth);
            }
        });
    }

    /** One 4 x (4 vectors) tile of C from A's rows at {@code aBase} and B's columns from {@code bBase}. */
    private static void tile(float[] a, int aBase, int aRow, int aCol, float[] b, int bBase, int bStride, float[] c, int cBase, int n, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a0 = aBase, a1 = aBase + aRow, a2 = aBase + 2 * aRow, a3 = aBase + 3 * aRow;
        for (int p = 0, bi = bBase, ai = 0; p < k; p++, bi += bStride, ai += aCol) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        store(c, cBase, c00, c01, c02, c03);
        store(c, cBase + n, c10, c11, c12, c13);
        store(c, cBase + 2 * n, c20, c21, c22, c23);
        store(c, cBase + 3 * n, c30, c31, c32, c33);
    }

    private static void store(float[] c, int at, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
        v2.intoArray(c, at + 2 * L);
        v3.intoArray(c, at + 3 * L);
    }

    /**
     * Rows {@code [i0, i1)} and columns {@code [j0, j0 + width)} of C, from B's columns at {@code bBase} (rows
     * {@code bStride} apart, readable a whole vector past {@code width}), four rows and one vector at a time: four
     * independent chains of fused multiply-adds, where one row alone would wait on each add's latency (products with
     * ten columns are all strip). A last group of fewer than four rows repeats its last row.
     */
    private static void strip(float[] a, int aOff, int aRow, int aCol, float[] b, int bBase, int bStride, float[] c, int n, int k,
                              int i0, int i1, int j0, int width) {
        float[] lanes = new float[ROWS * L];
        for (int i = i0; i < i1; i += ROWS) {
            int rows = Math.min(ROWS, i1 - i);
            int a0 = aOff + i * aRow, last = aOff + (i + rows - 1) * aRow;
            for (int j = 0; j < width; j += L) {
                column(a, a0, Math.min(a0 + aRow, last), Math.min(a0 + 2 * aRow, last), last, aCol, b, bBase + j, bStride, k, lanes);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(lanes, r * L, c, (i + r) * n + j0 + j, Math.min(L, width - j));
                }
            }
        }
    }

    /** One vector of columns of four rows of C, the rows of A at {@code a0..a3}, into {@code out} row after row. */
    private static void column(float[] a, int a0, int a1, int a2, int a3, int aCol, float[] b, int bBase, int bStride, int k, float[] out) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0, bi = bBase, ai = 0; p < k; p++, bi += bStride, ai += aCol) {
            FloatVector bp = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[a0 + ai]).fma(bp, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ai]).fma(bp, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ai]).fma(bp, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ai]).fma(bp, c3);
        }
        c0.intoArray(out, 0);
        c1.intoArray(out, L);
        c2.intoArray(out, 2 * L);
        c3.intoArray(out, 3 * L);
    }

    /** Panel {@code [k, COLS]} of B from {@code base} into {@code packed}, its rows contiguous. */
    private static void pack(float[] b, int base, int bRow, int bCol, int k, float[] packed) {
        if (bCol == 1) {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, base + p * bRow, packed, p * COLS, COLS);
            }
        } else {
            for (int j = 0; j < COLS; j++) {
                for (int p = 0; p < k; p++) {
                    packed[p * COLS + j] = b[base + p * bRow + j * bCol];
                }
            }
        }
    }
}
