package dev.scratchnet.kernel;

/** The portable {@link Loops}, and the float64 twins that serve precision rather than speed. */
public final class ScalarLoops implements Loops {
    @Override
    public void map(UnaryOp op, float[] x, int xOff, float[] out, int n) {
        map(op, x, xOff, out, 0, n);
    }

    static void map(UnaryOp op, float[] x, int xOff, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = (float) op.onDoubles.applyAsDouble(x[xOff + i]);
        }
    }

    @Override
    public void maxPool(float[] in, int off, int batch, int h, int w, int c, int size, int stride, int oh, int ow, int[] from, float[] out) {
        Pool.argmaxValid(in, off, batch, h, w, c, size, stride, oh, ow, from, out);
    }

    @Override
    public void maxPoolGradient(float[] dy, int dyOff, int[] from, int batch, int h, int w, int c, int size, int oh, int ow, float[] dx) {
        Pool.routeToWinners(dy, dyOff, from, batch, h, w, c, size, oh, ow, dx);
    }

    @Override
    public void convolvePooled(float[] xp, int rowStride, int c, int[] taps, float[] filters, int fOff, float[] bias, int biasOff, int out, int ph,
                               int pw, int ow, float[] cells, float[] y, int yOff, int[] from, int convOff) {
        convolvePooled(xp, rowStride, c, taps, filters, fOff, bias, biasOff, out, ph, pw, ow, y, yOff, from, convOff);
    }

    static void convolvePooled(float[] xp, int rowStride, int c, int[] taps, float[] filters, int fOff, float[] bias, int biasOff, int out, int ph,
                               int pw, int ow, float[] y, int yOff, int[] from, int convOff) {
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                int at = yOff + (py * pw + px) * out;
                for (int o = 0; o < out; o++) {
                    float best = 0f;
                    int won = -1;
                    for (int a = 0; a < 4; a++) {
                        int oy = 2 * py + a / 2, ox = 2 * px + a % 2, corner = oy * rowStride + ox * c;
                        float sum = 0f;
                        for (int t = 0; t < taps.length; t++) {
                            sum = Math.fma(xp[corner + taps[t]], filters[fOff + t * out + o], sum);
                        }
                        float v = bias == null ? sum : sum + bias[biasOff + o];
                        if (a == 0 || Pool.takes(best, v)) {
                            best = v;
                            won = convOff + (oy * ow + ox) * out + o;
                        }
                    }
                    y[at + o] = best;
                    if (from != null) {
                        from[at + o] = won;
                    }
                }
            }
        }
    }

    @Override
    public void pooledFilterGradient(float[] xp, int rowStride, int c, int[] taps, float[] dy, int dyOff, int[] from, int fromOff, int convOff,
                                     int out, int ph, int pw, int ow, float[] cells, float[] df) {
        pooledFilterGradient(xp, rowStride, c, taps, dy, dyOff, from, fromOff, convOff, out, ph, pw, ow, df);
    }

    static void pooledFilterGradient(float[] xp, int rowStride, int c, int[] taps, float[] dy, int dyOff, int[] from, int fromOff, int convOff,
                                     int out, int ph, int pw, int ow, float[] df) {
        for (int t = 0; t < taps.length; t++) {
            for (int o = 0; o < out; o++) {
                float sum = 0f;
                for (int q = 0; q < ph * pw; q++) {
                    int py = q / pw, px = q % pw;
                    for (int a = 0; a < 4; a++) {
                        int oy = 2 * py + a / 2, ox = 2 * px + a % 2;
                        float g = from[fromOff + q * out + o] == convOff + (oy * ow + ox) * out + o ? dy[dyOff + q * out + o] : 0f;
                        sum = Math.fma(xp[oy * rowStride + ox * c + taps[t]], g, sum);
                    }
                }
                df[t * out + o] += sum;
            }
        }
    }

    @Override
    public void winogradTile(float[] in, int off, int rowStride, int c, float[] v, int vOff, int vStride, int chunkStride) {
        winogradTile(in, off, rowStride, c, v, vOff, vStride, chunkStride, 0);
    }

    /** Channels {@code [from, c)} of {@link #winogradTile}. */
    static void winogradTile(float[] in, int off, int rowStride, int c, float[] v, int vOff, int vStride, int chunkStride, int from) {
        if (from == c) {
            return;
        }
        float[] t = new float[16];
        for (int ch = from; ch < c; ch++) {
            for (int q = 0; q < 4; q++) {
                float d0 = in[off + q * c + ch], d1 = in[off + rowStride + q * c + ch];
                float d2 = in[off + 2 * rowStride + q * c + ch], d3 = in[off + 3 * rowStride + q * c + ch];
                t[q] = d0 - d2;
                t[4 + q] = d1 + d2;
                t[8 + q] = d2 - d1;
                t[12 + q] = d1 - d3;
            }
            for (int r = 0; r < 4; r++) {
                int o = vOff + 4 * r * vStride + MatMul.chunked(ch, chunkStride);
                v[o] = t[4 * r] - t[4 * r + 2];
                v[o + vStride] = t[4 * r + 1] + t[4 * r + 2];
                v[o + 2 * vStride] = t[4 * r + 2] - t[4 * r + 1];
                v[o + 3 * vStride] = t[4 * r + 1] - t[4 * r + 3];
            }
        }
    }

    @Override
    public void winogradGradientTile(float[] g, int off, int rowStride, int out, float[] m, int mOff, int mStride) {
        winogradGradientTile(g, off, rowStride, out, m, mOff, mStride, 0);
    }

    /** Channels {@code [from, out)} of {@link #winogradGradientTile}. */
    static void winogradGradientTile(float[] g, int off, int rowStride, int out, float[] m, int mOff, int mStride, int from) {
        if (from == out) {
            return;
        }
        float[] t = new float[8];
        for (int ch = from; ch < out; ch++) {
            for (int q = 0; q < 2; q++) {
                float g0 = g[off + q * out + ch], g1 = g[off + rowStride + q * out + ch];
                t[q] = g0;
                t[2 + q] = g0 + g1;
                t[4 + q] = g0 - g1;
                t[6 + q] = -g1;
            }
            for (int r = 0; r < 4; r++) {
                int o = mOff + 4 * r * mStride + ch;
                float t0 = t[2 * r], t1 = t[2 * r + 1];
                m[o] = t0;
                m[o + mStride] = t0 + t1;
                m[o + 2 * mStride] = t0 - t1;
                m[o + 3 * mStride] = -t1;
            }
        }
    }

    @Override
    public void winogradOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int rowStride, int rows,
                                int cols) {
        winogradOutputs(m, mOff, mStride, out, bias, biasOff, y, yOff, rowStride, rows, cols, 0);
    }

    /** Channels {@code [from, out)} of {@link #winogradOutputs}. */
    static void winogradOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int rowStride, int rows,
                                int cols, int from) {
        if (from == out) {
            return;
        }
        float[] sums = new float[8], block = new float[4];
        for (int ch = from; ch < out; ch++) {
            winogradBlock(m, mOff + ch, mStride, bias == null ? 0f : bias[biasOff + ch], bias != null, sums, block);
            for (int r = 0; r < rows; r++) {
                y[yOff + r * rowStride + ch] = block[2 * r];
                if (cols == 2) {
                    y[yOff + r * rowStride + out + ch] = block[2 * r + 1];
                }
            }
        }
    }

    @Override
    public void winogradPooledOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int[] from,
                                      int place, int rowStride) {
        winogradPooledOutputs(m, mOff, mStride, out, bias, biasOff, y, yOff, from, place, rowStride, 0);
    }

    /** Channels {@code [from, out)} of {@link #winogradPooledOutputs}. */
    static void winogradPooledOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int[] from,
                                      int place, int rowStride, int first) {
        if (first == out) {
            return;
        }
        float[] sums = new float[8], block = new float[4];
        int[] cells = {0, out, rowStride, rowStride + out};
        for (int ch = first; ch < out; ch++) {
            winogradBlock(m, mOff + ch, mStride, bias == null ? 0f : bias[biasOff + ch], bias != null, sums, block);
            float best = block[0];
            int winner = 0;
            for (int i = 1; i < 4; i++) {
                if (Pool.takes(best, block[i])) {
                    winner = i;
                }
                best = Math.max(best, block[i]);
            }
            y[yOff + ch] = best;
            if (from != null) {
                from[yOff + ch] = place + cells[winner] + ch;
            }
        }
    }

    /**
     * One channel's 2x2 outputs of {@link #winogradOutputs} into {@code block}, row by row, the bias added where there is
     * one; {@code s} holds the sums down the columns.
     */
    private static void winogradBlock(float[] m, int i, int mStride, float bias, boolean biased, float[] s, float[] block) {
        for (int q = 0; q < 4; q++, i += mStride) {
            float m0 = m[i], m1 = m[i + 4 * mStride], m2 = m[i + 8 * mStride], m3 = m[i + 12 * mStride];
            s[q] = m0 + m1 + m2;
            s[4 + q] = m1 - m2 - m3;
        }
        for (int r = 0; r < 2; r++) {
            float left = s[4 * r] + s[4 * r + 1] + s[4 * r + 2], right = s[4 * r + 1] - s[4 * r + 2] - s[4 * r + 3];
            block[2 * r] = biased ? left + bias : left;
            block[2 * r + 1] = biased ? right + bias : right;
        }
    }

    @Override
    public void zip(BinaryOp op, BroadcastPlan plan, float[] a, int aOff, float[] b, int bOff, float[] out) {
        int len = plan.runLength(), as = plan.step(0), bs = plan.step(1);
        for (BroadcastPlan.Cursor c = plan.cursor(); c.next(); ) {
            zipRun(op, a, aOff + c.offset(0), as, b, bOff + c.offset(1), bs, out, c.offset(2), 0, len);
        }
    }

    /** Elements {@code [from, to)} of one run of {@link #zip}. */
    static void zipRun(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int oi, int from, int to) {
        for (int k = from; k < to; k++) {
            out[oi + k] = (float) op.onDoubles.applyAsDouble(a[ai + k * as], b[bi + k * bs]);
        }
    }

    @Override
    public void accumulate(BinaryOp op, BroadcastPlan plan, float[] in, int inOff, float[] out) {
        int len = plan.runLength(), os = plan.step(1);
        for (BroadcastPlan.Cursor c = plan.cursor(); c.next(); ) {
            accumulateRun(op, in, inOff + c.offset(0), out, c.offset(1), os, 0, len);
        }
    }

    /** Elements {@code [from, to)} of one run of {@link #accumulate}. */
    static void accumulateRun(BinaryOp op, float[] in, int ii, float[] out, int oi, int os, int from, int to) {
        for (int k = from; k < to; k++) {
            out[oi + k * os] = (float) op.onDoubles.applyAsDouble(out[oi + k * os], in[ii + k]);
        }
    }

    @Override
    public void addToRows(float[] x, int xOff, int rows, int length, float[] row, int rowOff) {
        addToRows(x, xOff, rows, length, row, rowOff, 0);
    }

    /** Columns {@code [from, length)} of {@link #addToRows}. */
    static void addToRows(float[] x, int xOff, int rows, int length, float[] row, int rowOff, int from) {
        for (int r = 0, i = xOff; r < rows; r++, i += length) {
            for (int j = from; j < length; j++) {
                x[i + j] += row[rowOff + j];
            }
        }
    }

    @Override
    public void unsignedBytesDivided(byte[] src, int off, float[] out, int n, float divisor) {
        unsignedBytesDivided(src, off, out, 0, n, divisor);
    }

    /** Elements {@code [from, to)} of {@link #unsignedBytesDivided}. */
    static void unsignedBytesDivided(byte[] src, int off, float[] out, int from, int to, float divisor) {
        for (int i = from; i < to; i++) {
            out[i] = (src[off + i] & 0xFF) / divisor;
        }
    }

    @Override
    public void adam(float[] var, float[] m, float[] v, float[] g, int gOff, int n, int cols, float alpha, float beta1, float beta2, float epsilon) {
        adamRange(var, m, v, g, gOff, 0, n, alpha, beta1, beta2, epsilon);
    }

    /** Adam on elements {@code [from, to)}. */
    static void adamRange(float[] var, float[] m, float[] v, float[] g, int gOff, int from, int to, float alpha, float beta1, float beta2, float epsilon) {
        float oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;
        for (int i = from; i < to; i++) {
            float gi = g[gOff + i];
            float mi = flush(m[i] + (gi - m[i]) * oneMinusBeta1);
            float vi = flush(v[i] + (gi * gi - v[i]) * oneMinusBeta2);
            m[i] = mi;
            v[i] = vi;
            var[i] -= alpha * mi / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    /** {@link #adam(float[], float[], float[], float[], int, int, int, float, float, float, float)} in float64. */
    public static void adam(double[] var, double[] m, double[] v, double[] g, int gOff, int n,
                            double alpha, double beta1, double beta2, double epsilon) {
        for (int i = 0; i < n; i++) {
            double gi = g[gOff + i];
            m[i] += (gi - m[i]) * (1 - beta1);
            v[i] += (gi * gi - v[i]) * (1 - beta2);
            var[i] -= alpha * m[i] / (Math.sqrt(v[i]) + epsilon);
        }
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public float fmaChains(int iterations) {
        float x = 0.999f, y = 1e-3f;
        float c0 = 0, c1 = 1, c2 = 2, c3 = 3, c4 = 4, c5 = 5, c6 = 6, c7 = 7, c8 = 8, c9 = 9, c10 = 10, c11 = 11;
        for (int i = 0; i < iterations; i++) {
            c0 = Math.fma(c0, x, y);
            c1 = Math.fma(c1, x, y);
            c2 = Math.fma(c2, x, y);
            c3 = Math.fma(c3, x, y);
            c4 = Math.fma(c4, x, y);
            c5 = Math.fma(c5, x, y);
            c6 = Math.fma(c6, x, y);
            c7 = Math.fma(c7, x, y);
            c8 = Math.fma(c8, x, y);
            c9 = Math.fma(c9, x, y);
            c10 = Math.fma(c10, x, y);
            c11 = Math.fma(c11, x, y);
        }
        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }

    private static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
