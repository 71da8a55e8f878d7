package dev.scratchnet.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 product on the Vector API. The output is cut into tiles of 5 rows by 4 vectors (64 columns with
 * AVX-512): a tile's 20 accumulators stay in registers while the loop runs over the shared dimension, loading
 * 4 vectors of a row of B and broadcasting 5 values of A for 20 fused multiply-adds. A last tile of fewer rows
 * repeats its last row. A transposed B is gathered a panel at a time into a contiguous buffer, as long rows of B are.
 * The columns that do not fill a panel take strips of eight rows by one vector, read in place when they are whole
 * vectors, else first copied into rows padded with zeros (masked loads are slow on some JDKs); a whole product that
 * narrow, with A read transposed, is computed transposed instead (see {@link #narrow}). Every element is accumulated
 * in the same order, with fused multiply-adds, as in {@link ScalarMatMul}, so both give the same bits.
 */
final class VectorMatMul implements MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * A tile's rows. Each row of B a tile loads serves this many rows of C: with 4 rows the chapter's products read B
     * from the L2 cache about as fast as it delivers (the larger products ran 9% slower than with 5). With 6 rows,
     * 24 accumulators, 4 vectors of B and a broadcast value would fill 29 of the 32 vector registers; C2 then spilled
     * accumulators to the stack inside the loop and the chapter's step ran up to 50% slower. Six broadcast values
     * loaded first and B a vector at a time (31 registers) was faster alone, but made the CNN's epochs 25% slower.
     */
    private static final int ROWS = 5;
    private static final int COLS = 4 * L;
    /**
     * A strip's rows: independent chains of fused multiply-adds, enough to cover the add's latency on both FMA units
     * (three interleaved runs, each faster with 8: [512,1024]·[1024,10] 96-146 us against 115-182 with 4 rows,
     * [64,128]·[128,10] 4.1-5.8 against 4.9-7.9).
     */
    private static final int STRIP_ROWS = 8;
    /** A half tile's rows: with 2 vectors of B, as many accumulators as a whole tile. */
    private static final int HALF_ROWS = 10;
    /**
     * A panel of B is first copied into a contiguous buffer ("packed") when B's rows are at least this long: read in
     * place, its rows lie a kilobyte or more apart, map to the same few sets of the L1 cache and evict each other
     * (the product [512,784]·[784,1024] ran at 168-171 GFLOP/s in place, 203-213 packed, on 2 threads)...
     */
    private static final int PACK_MIN_COLUMNS = 256;
    /** ...and when each packed panel then serves at least this many tiles, to pay for the copy. */
    private static final int PACK_MIN_BLOCKS = 8;

    @Override
    public void product(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int m, int n, int k) {
        if (n < COLS && m >= COLS && aRow == 1) {
            narrow(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, m, n, k);
            return;
        }
        int fullCols = n - n % COLS;
        int panels = fullCols / COLS, blocks = (m + ROWS - 1) / ROWS;
        int restWidth = n - fullCols;
        // The columns right of the full panels, as rows readable in whole vectors: in place where they are.
        boolean restInPlace = bCol == 1 && restWidth % L == 0;
        int restStride = restInPlace ? bRow : (restWidth + L - 1) / L * L, restBase = restInPlace ? bOff + fullCols : 0;
        float[] rest = restWidth == 0 ? null : restInPlace ? b : ScalarMatMul.columns(b, bOff, bRow, bCol, k, fullCols, restWidth, restStride);
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
                    int i = block * ROWS;
                    tile(a, aOff, aRow, aCol, i, Math.min(ROWS, m - i), pb, pbOff, pbStride, c, cOff + i * n + panel * COLS, n, k);
                }
            }
            if (rest != null) {
                // The columns right of the full panels, for this part's rows.
                int rowsFrom = byPanel ? (part == 0 ? 0 : m) : Math.min(m, r0 * ROWS);
                int rowsTo = byPanel ? m : Math.min(m, r1 * ROWS);
                strip(a, aOff, aRow, aCol, rest, restBase, restStride, c, cOff + fullCols, n, k, rowsFrom, rowsTo, restWidth);
            }
        });
    }

    /**
     * Panels of A by two vectors of columns at a time ({@link #panelPair}), then one ({@link #panelColumn}); columns
     * left of a last part of a vector are summed one by one, in the same order.
     */
    @Override
    public void packedProduct(float[] a, int aOff, float[] b, int bOff, int bRow, float[] c, int cOff, int m, int n, int k) {
        if (L > PANEL_CHUNK) {
            ScalarMatMul.packedColumns(a, aOff, b, bOff, bRow, c, cOff, m, n, k, 0);
            return;
        }
        int panel = PANEL_ROWS * MatMul.packedColumns(k), pairs = n / (2 * L) * 2 * L, whole = n / L * L;
        for (int i = 0, ai = aOff; i < m; i += PANEL_ROWS, ai += panel) {
            for (int j = 0; j < pairs; j += 2 * L) {
                panelPair(a, ai, b, bOff + j, bRow, k, c, cOff + i * n + j, n);
            }
            for (int j = pairs; j < whole; j += L) {
                panelColumn(a, ai, b, bOff + j, bRow, k, c, cOff + i * n + j, n);
            }
        }
        if (whole < n) {
            ScalarMatMul.packedColumns(a, aOff, b, bOff, bRow, c, cOff, m, n, k, whole);
        }
    }

    /**
     * Two vectors of columns of one panel's {@value #PANEL_ROWS} rows of C: 20 accumulators, as in a whole tile. The
     * panel's rows lie {@value #PANEL_CHUNK} apart, so the ten broadcasts of a step share one index; a loop over the
     * chunks around a loop over their columns would keep the accumulators as objects, so one loop runs over all
     * columns and finds each one's place. Kept out of its callers by the compiler directives: inlined into Winograd's
     * loop, in one run of 8 its vectors became objects (the CNN's step 95 ms instead of 8).
     */
    private static void panelPair(float[] a, int aBase, float[] b, int bBase, int bRow, int k, float[] c, int cBase, int n) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00;
        for (int p = 0, bi = bBase; p < k; p++, bi += bRow) {
            int ai = aBase + MatMul.chunked(p, PANEL_ROWS * PANEL_CHUNK);
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + PANEL_CHUNK]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2 * PANEL_CHUNK]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3 * PANEL_CHUNK]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4 * PANEL_CHUNK]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5 * PANEL_CHUNK]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6 * PANEL_CHUNK]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7 * PANEL_CHUNK]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[ai + 8 * PANEL_CHUNK]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[ai + 9 * PANEL_CHUNK]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
        }
        c00.intoArray(c, cBase);
        c01.intoArray(c, cBase + L);
        c10.intoArray(c, cBase + n);
        c11.intoArray(c, cBase + n + L);
        c20.intoArray(c, cBase + 2 * n);
        c21.intoArray(c, cBase + 2 * n + L);
        c30.intoArray(c, cBase + 3 * n);
        c31.intoArray(c, cBase + 3 * n + L);
        c40.intoArray(c, cBase + 4 * n);
        c41.intoArray(c, cBase + 4 * n + L);
        c50.intoArray(c, cBase + 5 * n);
        c51.intoArray(c, cBase + 5 * n + L);
        c60.intoArray(c, cBase + 6 * n);
        c61.intoArray(c, cBase + 6 * n + L);
        c70.intoArray(c, cBase + 7 * n);
        c71.intoArray(c, cBase + 7 * n + L);
        c80.intoArray(c, cBase + 8 * n);
        c81.intoArray(c, cBase + 8 * n + L);
        c90.intoArray(c, cBase + 9 * n);
        c91.intoArray(c, cBase + 9 * n + L);
    }

    /** One vector of columns of one panel's {@value #PANEL_ROWS} rows of C, as {@link #panelPair}. */
    private static void panelColumn(float[] a, int aBase, float[] b, int bBase, int bRow, int k, float[] c, int cBase, int n) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
        for (int p = 0, bi = bBase; p < k; p++, bi += bRow) {
            int ai = aBase + MatMul.chunked(p, PANEL_ROWS * PANEL_CHUNK);
            FloatVector bp = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(bp, c0);
            c1 = FloatVector.broadcast(S, a[ai + PANEL_CHUNK]).fma(bp, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2 * PANEL_CHUNK]).fma(bp, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3 * PANEL_CHUNK]).fma(bp, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4 * PANEL_CHUNK]).fma(bp, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5 * PANEL_CHUNK]).fma(bp, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6 * PANEL_CHUNK]).fma(bp, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7 * PANEL_CHUNK]).fma(bp, c7);
            c8 = FloatVector.broadcast(S, a[ai + 8 * PANEL_CHUNK]).fma(bp, c8);
            c9 = FloatVector.broadcast(S, a[ai + 9 * PANEL_CHUNK]).fma(bp, c9);
        }
        c0.intoArray(c, cBase);
        c1.intoArray(c, cBase + n);
        c2.intoArray(c, cBase + 2 * n);
        c3.intoArray(c, cBase + 3 * n);
        c4.intoArray(c, cBase + 4 * n);
        c5.intoArray(c, cBase + 5 * n);
        c6.intoArray(c, cBase + 6 * n);
        c7.intoArray(c, cBase + 7 * n);
        c8.intoArray(c, cBase + 8 * n);
        c9.intoArray(c, cBase + 9 * n);
    }

    /**
     * A product too narrow for a panel whose A is read transposed (the weight gradient of the output layer, ten
     * columns) computed as Cᵀ = Bᵀ·Aᵀ, whose rows are long and lie in A's rows, then transposed into C: whole tiles
     * instead of strips that leave lanes idle ([1024,512]ᵀ·[512,10]: 194-414 us as strips, 65-91 us). With A in
     * place, its rows would have to be gathered across, which cost more than the strips. Each element is the same
     * sum of the same products in the same order (a fused multiply-add does not depend on the order of its factors).
     */
    private void narrow(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int m, int n, int k) {
        float[] transposed = new float[n * m];
        product(b, bOff, bCol, bRow, a, aOff, aCol, aRow, transposed, 0, n, m, k);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                c[cOff + i * n + j] = transposed[j * m + i];
            }
        }
    }

    /**
     * One tile of C: {@code rows} (at most {@value #ROWS}) rows from row {@code i}, by 4 vectors from B's columns at
     * {@code bBase}. A tile of fewer rows repeats its last row.
     */
    private static void tile(float[] a, int aOff, int aRow, int aCol, int i, int rows, float[] b, int bBase, int bStride, float[] c, int cBase,
                             int n, int k) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        int last = rows - 1;
        int a0 = aOff + i * aRow, a1 = a0 + Math.min(1, last) * aRow, a2 = a0 + Math.min(2, last) * aRow;
        int a3 = a0 + Math.min(3, last) * aRow, a4 = a0 + last * aRow;
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
            x = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
        }
        // Stored here rather than by a helper, which C2 may not inline: the accumulators would be boxed (3-5x slower).
        // The rows a short tile repeats store the last row's values again, where a branch would cost recompilations.
        int r1 = cBase + Math.min(1, last) * n, r2 = cBase + Math.min(2, last) * n, r3 = cBase + Math.min(3, last) * n;
        int r4 = cBase + last * n;
        c00.intoArray(c, cBase);
        c01.intoArray(c, cBase + L);
        c02.intoArray(c, cBase + 2 * L);
        c03.intoArray(c, cBase + 3 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c33.intoArray(c, r3 + 3 * L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c42.intoArray(c, r4 + 2 * L);
        c43.intoArray(c, r4 + 3 * L);
    }

    /**
     * Rows {@code [i0, i1)} of C's columns from {@code cBase} on, {@code width} of them, from B's columns at {@code bBase} (rows
     * {@code bStride} apart, readable a whole vector past {@code width}). Pairs of whole vectors (32 columns: a
     * convolution's 32 channels) take tiles of {@value #HALF_ROWS} rows by 2 vectors; the columns left take
     * {@value #STRIP_ROWS} rows and one vector at a time: independent chains of fused multiply-adds, where one row alone
     * would wait on each add's latency (the forward product of a ten-class output layer is all strip). Whole vectors
     * are stored into C; a last part of a vector goes through a buffer. A last group of fewer rows repeats its last row.
     */
    private static void strip(float[] a, int aOff, int aRow, int aCol, float[] b, int bBase, int bStride, float[] c, int cBase, int n, int k,
                              int i0, int i1, int width) {
        int pairs = width / (2 * L) * 2 * L;
        for (int j = 0; j < pairs; j += 2 * L) {
            for (int i = i0; i < i1; i += HALF_ROWS) {
                int rows = Math.min(HALF_ROWS, i1 - i);
                halfTile(a, aOff + i * aRow, aRow, aOff + (i + rows - 1) * aRow, aCol, b, bBase + j, bStride, k, c, cBase + i * n + j, n, rows);
            }
        }
        float[] lanes = width % L == 0 ? null : new float[STRIP_ROWS * L];
        for (int i = i0; i < i1; i += STRIP_ROWS) {
            int rows = Math.min(STRIP_ROWS, i1 - i);
            int a0 = aOff + i * aRow, last = aOff + (i + rows - 1) * aRow;
            for (int j = pairs; j < width; j += L) {
                if (j + L <= width) {
                    column(a, a0, aRow, last, aCol, b, bBase + j, bStride, k, c, cBase + i * n + j, n, rows);
                } else {
                    column(a, a0, aRow, last, aCol, b, bBase + j, bStride, k, lanes, 0, L, rows);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(lanes, r * L, c, cBase + (i + r) * n + j, width - j);
                    }
                }
            }
        }
    }

    /**
     * Two vectors of columns of {@value #HALF_ROWS} rows of C, into C from {@code cBase}: the rows of A from
     * {@code first}, {@code aRow} apart, up to {@code last}, which the rows past it repeat (the first {@code rows} are
     * stored; the others store the last row's values again). 20 accumulators, as in a whole tile.
     */
    private static void halfTile(float[] a, int first, int aRow, int last, int aCol, float[] b, int bBase, int bStride, int k,
                                 float[] c, int cBase, int n, int rows) {
        int a0 = first, a1 = Math.min(first + aRow, last), a2 = Math.min(first + 2 * aRow, last), a3 = Math.min(first + 3 * aRow, last);
        int a4 = Math.min(first + 4 * aRow, last), a5 = Math.min(first + 5 * aRow, last), a6 = Math.min(first + 6 * aRow, last);
        int a7 = Math.min(first + 7 * aRow, last), a8 = Math.min(first + 8 * aRow, last), a9 = last;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00;
        for (int p = 0, bi = bBase, ai = 0; p < k; p++, bi += bStride, ai += aCol) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + ai]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + ai]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + ai]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[a8 + ai]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[a9 + ai]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
        }
        int lastRow = rows - 1;
        int r1 = cBase + Math.min(1, lastRow) * n, r2 = cBase + Math.min(2, lastRow) * n, r3 = cBase + Math.min(3, lastRow) * n;
        int r4 = cBase + Math.min(4, lastRow) * n, r5 = cBase + Math.min(5, lastRow) * n, r6 = cBase + Math.min(6, lastRow) * n;
        int r7 = cBase + Math.min(7, lastRow) * n, r8 = cBase + Math.min(8, lastRow) * n, r9 = cBase + lastRow * n;
        c00.intoArray(c, cBase);
        c01.intoArray(c, cBase + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + L);
        c80.intoArray(c, r8);
        c81.intoArray(c, r8 + L);
        c90.intoArray(c, r9);
        c91.intoArray(c, r9 + L);
    }

    /**
     * One vector of columns of eight rows of C, into {@code out} from {@code outBase}, rows {@code outRow} apart: the
     * rows of A from {@code first}, {@code aRow} apart, up to {@code last}, which the rows past it repeat (the first
     * {@code rows} are stored; the others store the last row's values again).
     */
    private static void column(float[] a, int first, int aRow, int last, int aCol, float[] b, int bBase, int bStride, int k,
                               float[] out, int outBase, int outRow, int rows) {
        int a0 = first, a1 = Math.min(first + aRow, last), a2 = Math.min(first + 2 * aRow, last), a3 = Math.min(first + 3 * aRow, last);
        int a4 = Math.min(first + 4 * aRow, last), a5 = Math.min(first + 5 * aRow, last), a6 = Math.min(first + 6 * aRow, last), a7 = last;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0, bi = bBase, ai = 0; p < k; p++, bi += bStride, ai += aCol) {
            FloatVector bp = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[a0 + ai]).fma(bp, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ai]).fma(bp, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ai]).fma(bp, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ai]).fma(bp, c3);
            c4 = FloatVector.broadcast(S, a[a4 + ai]).fma(bp, c4);
            c5 = FloatVector.broadcast(S, a[a5 + ai]).fma(bp, c5);
            c6 = FloatVector.broadcast(S, a[a6 + ai]).fma(bp, c6);
            c7 = FloatVector.broadcast(S, a[a7 + ai]).fma(bp, c7);
        }
        int lastRow = rows - 1;
        c0.intoArray(out, outBase);
        c1.intoArray(out, outBase + Math.min(1, lastRow) * outRow);
        c2.intoArray(out, outBase + Math.min(2, lastRow) * outRow);
        c3.intoArray(out, outBase + Math.min(3, lastRow) * outRow);
        c4.intoArray(out, outBase + Math.min(4, lastRow) * outRow);
        c5.intoArray(out, outBase + Math.min(5, lastRow) * outRow);
        c6.intoArray(out, outBase + Math.min(6, lastRow) * outRow);
        c7.intoArray(out, outBase + lastRow * outRow);
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
