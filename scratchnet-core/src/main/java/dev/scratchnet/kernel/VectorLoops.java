package dev.scratchnet.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link Loops} on the Vector API: the same operations in the same order as {@link ScalarLoops}, a vector at a time. */
final class VectorLoops implements Loops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Bytes and ints with as many lanes as {@link #S}, for converting pixels. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    /** 0, 1, 2, ...: each lane's index, loaded rather than made by {@code addIndex}, which C2 does not intrinsify on Java 17. */
    private static final int[] LANES = java.util.stream.IntStream.range(0, INTS.length()).toArray();
    /** Below this many elements an update runs on the caller's thread alone. */
    private static final int PARALLEL_THRESHOLD = 1 << 15;

    @Override
    public void map(UnaryOp op, float[] x, int xOff, float[] out, int n) {
        int parts = n < PARALLEL_THRESHOLD ? 1 : Parallel.threads();
        Parallel.forEach(parts, part -> {
            int from = cut(n, part, parts), to = cut(n, part + 1, parts);
            int end = op.exact ? from + S.loopBound(to - from) : from;
            for (int i = from; i < end; i += L) {
                apply(op, FloatVector.fromArray(S, x, xOff + i)).intoArray(out, i);
            }
            ScalarLoops.map(op, x, xOff, out, end, to);
        });
    }

    /** Where part {@code part} of {@code parts} of {@code n} elements starts: on a whole vector, and {@code n} at the end. */
    private static int cut(int n, int part, int parts) {
        return part == parts ? n : S.loopBound((int) ((long) n * part / parts));
    }

    private static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case SQUARE -> x.mul(x);
            case SQRT -> x.sqrt();
            case RELU -> x.max(0f);
            default -> throw new IllegalArgumentException(op + " has no exact vector form");
        };
    }

    /**
     * A vector of channels at a time: each window's first cell, then every later cell taken where it takes over
     * ({@link Pool#takes}), with its index. Channel counts that are not whole vectors run {@link Pool#argmaxValid}.
     */
    @Override
    public void maxPool(float[] in, int off, int batch, int h, int w, int c, int size, int stride, int oh, int ow, int[] from, float[] out) {
        if (c % L != 0) {
            Pool.argmaxValid(in, off, batch, h, w, c, size, stride, oh, ow, from, out);
            return;
        }
        IntVector lanes = IntVector.fromArray(INTS, LANES, 0);
        int exampleSize = h * w * c;
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            for (int e = batch * part / parts; e < batch * (part + 1) / parts; e++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int o = ((e * oh + y) * ow + x) * c, corner = e * exampleSize + (y * stride * w + x * stride) * c;
                        for (int ch = 0; ch < c; ch += L) {
                            int first = corner + ch;
                            if (size == 2) {
                                twoByTwo(in, off, first, c, w * c, lanes, from, o + ch, out);
                                continue;
                            }
                            FloatVector best = FloatVector.fromArray(S, in, off + first);
                            IntVector index = lanes.add(first);
                            for (int i = 0; i < size; i++) {
                                for (int j = i == 0 ? 1 : 0; j < size; j++) {
                                    int cell = first + (i * w + j) * c;
                                    FloatVector larger = best.max(FloatVector.fromArray(S, in, off + cell));
                                    index = from == null ? index : taking(index, larger, best, lanes.add(cell));
                                    best = larger;
                                }
                            }
                            if (from != null) {
                                index.intoArray(from, o + ch);
                            }
                            best.intoArray(out, o + ch);
                        }
                    }
                }
            }
        });
    }

    /**
     * A 2x2 window's vector of channels, the cells one after the other in straight code: Java 17's C2 keeps vectors
     * that a loop carries from one iteration to the next in objects, which made the loop above three times slower.
     */
    private static void twoByTwo(float[] in, int off, int first, int c, int row, IntVector lanes, int[] from, int o, float[] out) {
        FloatVector v0 = FloatVector.fromArray(S, in, off + first);
        FloatVector v1 = v0.max(FloatVector.fromArray(S, in, off + first + c));
        FloatVector v2 = v1.max(FloatVector.fromArray(S, in, off + first + row));
        FloatVector v3 = v2.max(FloatVector.fromArray(S, in, off + first + row + c));
        v3.intoArray(out, o);
        if (from != null) {
            IntVector index = taking(lanes.add(first), v1, v0, lanes.add(first + c));
            index = taking(index, v2, v1, lanes.add(first + row));
            taking(index, v3, v2, lanes.add(first + row + c)).intoArray(from, o);
        }
    }

    /**
     * A vector of channels at a time: each cell of a window gets the output's gradient in the lanes where the window's
     * winner is that cell, found from the indices' bits without a vector compare. Channel counts that are not whole
     * vectors run {@link Pool#routeToWinners}.
     */
    @Override
    public void maxPoolGradient(float[] dy, int dyOff, int[] from, int batch, int h, int w, int c, int size, int oh, int ow, float[] dx) {
        if (c % L != 0) {
            Pool.routeToWinners(dy, dyOff, from, batch, h, w, c, size, oh, ow, dx);
            return;
        }
        IntVector lanes = IntVector.fromArray(INTS, LANES, 0);
        int exampleSize = h * w * c;
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            for (int e = batch * part / parts; e < batch * (part + 1) / parts; e++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int o = ((e * oh + y) * ow + x) * c, corner = e * exampleSize + (y * w + x) * size * c;
                        for (int ch = 0; ch < c; ch += L) {
                            IntVector winner = IntVector.fromArray(INTS, from, o + ch);
                            IntVector gradient = ints(FloatVector.fromArray(S, dy, dyOff + o + ch));
                            for (int i = 0; i < size; i++) {
                                for (int j = 0, cell = corner + i * w * c + ch; j < size; j++, cell += c) {
                                    IntVector won = nonZero(winner.lanewise(VectorOperators.XOR, lanes.add(cell))).not();
                                    floats(gradient.and(won)).intoArray(dx, cell);
                                }
                            }
                        }
                    }
                }
                Pool.zeroOutsideWindows(dx, e * exampleSize, h, w, c, size, oh, ow);
            }
        });
    }

    /**
     * A row of pooling windows at a time, in two passes (each loop small enough for C2 to keep its vectors in
     * registers): each window's four sums into {@code cells}, two vectors of channels at a time (3x3 windows of one
     * channel in straight code, {@link #threeByThreeSums}); then each window's maximum and its place. Channel counts
     * that are not whole vectors run {@link ScalarLoops}.
     */
    @Override
    public void convolvePooled(float[] xp, int rowStride, int c, int[] taps, float[] filters, int fOff, float[] bias, int biasOff, int out, int ph,
                               int pw, int ow, float[] cells, float[] y, int yOff, int[] from, int convOff) {
        if (out % L != 0) {
            ScalarLoops.convolvePooled(xp, rowStride, c, taps, filters, fOff, bias, biasOff, out, ph, pw, ow, y, yOff, from, convOff);
            return;
        }
        boolean threeByThree = threeByThree(c, taps, rowStride);
        for (int py = 0; py < ph; py++) {
            for (int o = 0; o < out; o += 2 * L) {
                int p = Math.min(o + L, out - L);
                if (threeByThree) {
                    threeByThreeSums(xp, 2 * py * rowStride, rowStride, filters, fOff, bias, biasOff, out, pw, cells, o, p);
                } else {
                    windowSums(xp, 2 * py * rowStride, rowStride, c, taps, filters, fOff, bias, biasOff, out, pw, cells, o, p);
                }
            }
            rowMaxima(cells, out, pw, ow, convOff + 2 * py * ow * out, y, from, yOff + py * pw * out);
        }
    }

    /**
     * A row of {@code pw} pooling windows' maxima and their places (none with {@code from} null) from their four sums in
     * {@code cells}; the row's first cell is {@code cell} in the convolution's output, its first output {@code at} in
     * {@code y} and {@code from}.
     */
    private static void rowMaxima(float[] cells, int out, int pw, int ow, int cell, float[] y, int[] from, int at) {
        IntVector lanes = IntVector.fromArray(INTS, LANES, 0);
        for (int px = 0; px < pw; px++, cell += 2 * out, at += out) {
            for (int o = 0; o < out; o += L) {
                int sums = 4 * px * out + o;
                FloatVector s0 = FloatVector.fromArray(S, cells, sums), s1 = FloatVector.fromArray(S, cells, sums + out);
                FloatVector s2 = FloatVector.fromArray(S, cells, sums + 2 * out), s3 = FloatVector.fromArray(S, cells, sums + 3 * out);
                if (from == null) {
                    s0.max(s1).max(s2).max(s3).intoArray(y, at + o);
                    continue;
                }
                IntVector place = lanes.add(cell + o);
                FloatVector best = s0.max(s1);
                IntVector index = taking(place, best, s0, place.add(out));
                FloatVector larger = best.max(s2);
                index = taking(index, larger, best, place.add(ow * out));
                best = larger.max(s3);
                index = taking(index, best, larger, place.add(ow * out + out));
                best.intoArray(y, at + o);
                index.intoArray(from, at + o);
            }
        }
    }

    /**
     * The four sums of each of a row's {@code pw} pooling windows, the first window's corner at {@code corner}, for the
     * vectors of channels from {@code o} and {@code p} (eight independent sums, enough to keep both FMA units busy;
     * {@code p} may repeat {@code o}): window {@code px}'s cell {@code a} at {@code (4px + a)·out} in {@code cells}.
     */
    private static void windowSums(float[] xp, int corner, int rowStride, int c, int[] taps, float[] filters, int fOff, float[] bias, int biasOff,
                                   int out, int pw, float[] cells, int o, int p) {
        for (int px = 0; px < pw; px++, corner += 2 * c) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, r0 = s0, r1 = s0, r2 = s0, r3 = s0;
            for (int t = 0; t < taps.length; t++) {
                FloatVector f = FloatVector.fromArray(S, filters, fOff + t * out + o), e = FloatVector.fromArray(S, filters, fOff + t * out + p);
                int cell = corner + taps[t];
                FloatVector x0 = FloatVector.broadcast(S, xp[cell]), x1 = FloatVector.broadcast(S, xp[cell + c]);
                FloatVector x2 = FloatVector.broadcast(S, xp[cell + rowStride]), x3 = FloatVector.broadcast(S, xp[cell + rowStride + c]);
                s0 = x0.fma(f, s0);
                r0 = x0.fma(e, r0);
                s1 = x1.fma(f, s1);
                r1 = x1.fma(e, r1);
                s2 = x2.fma(f, s2);
                r2 = x2.fma(e, r2);
                s3 = x3.fma(f, s3);
                r3 = x3.fma(e, r3);
            }
            int at = 4 * px * out;
            store(s0, r0, bias, biasOff, o, p, cells, at);
            store(s1, r1, bias, biasOff, o, p, cells, at + out);
            store(s2, r2, bias, biasOff, o, p, cells, at + 2 * out);
            store(s3, r3, bias, biasOff, o, p, cells, at + 3 * out);
        }
    }

    /** Whether {@code taps} are the offsets of a 3x3 window of one channel, in a padded image {@code rowStride} wide. */
    private static boolean threeByThree(int c, int[] taps, int rowStride) {
        return c == 1 && taps.length == 9 && taps[3] == rowStride && taps[8] == 2 * rowStride + 2;
    }

    /**
     * {@link #windowSums} for 3x3 windows of one channel (a first layer's), the same sums in the same order, in straight
     * code: the 18 filters' vectors loaded once for the row, and each pooling window's 4x4 pixels once for its 72
     * multiply-adds, instead of 6 loads for every 8 (the CNN's first layer on two cores, its whole forward pass 0.28 ms
     * instead of 0.37-0.42 ms).
     */
    private static void threeByThreeSums(float[] xp, int corner, int rowStride, float[] filters, int fOff, float[] bias, int biasOff, int out,
                                         int pw, float[] cells, int o, int p) {
        int f = fOff + o, e = fOff + p;
        FloatVector f0 = FloatVector.fromArray(S, filters, f), f1 = FloatVector.fromArray(S, filters, f + out);
        FloatVector f2 = FloatVector.fromArray(S, filters, f + 2 * out), f3 = FloatVector.fromArray(S, filters, f + 3 * out);
        FloatVector f4 = FloatVector.fromArray(S, filters, f + 4 * out), f5 = FloatVector.fromArray(S, filters, f + 5 * out);
        FloatVector f6 = FloatVector.fromArray(S, filters, f + 6 * out), f7 = FloatVector.fromArray(S, filters, f + 7 * out);
        FloatVector f8 = FloatVector.fromArray(S, filters, f + 8 * out);
        FloatVector e0 = FloatVector.fromArray(S, filters, e), e1 = FloatVector.fromArray(S, filters, e + out);
        FloatVector e2 = FloatVector.fromArray(S, filters, e + 2 * out), e3 = FloatVector.fromArray(S, filters, e + 3 * out);
        FloatVector e4 = FloatVector.fromArray(S, filters, e + 4 * out), e5 = FloatVector.fromArray(S, filters, e + 5 * out);
        FloatVector e6 = FloatVector.fromArray(S, filters, e + 6 * out), e7 = FloatVector.fromArray(S, filters, e + 7 * out);
        FloatVector e8 = FloatVector.fromArray(S, filters, e + 8 * out);
        FloatVector zero = FloatVector.zero(S);
        FloatVector bo = bias == null ? zero : FloatVector.fromArray(S, bias, biasOff + o);
        FloatVector bp = bias == null ? zero : FloatVector.fromArray(S, bias, biasOff + p);
        for (int px = 0; px < pw; px++, corner += 2) {
            int r1 = corner + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
            FloatVector x00 = FloatVector.broadcast(S, xp[corner]), x01 = FloatVector.broadcast(S, xp[corner + 1]);
            FloatVector x02 = FloatVector.broadcast(S, xp[corner + 2]), x03 = FloatVector.broadcast(S, xp[corner + 3]);
            FloatVector x10 = FloatVector.broadcast(S, xp[r1]), x11 = FloatVector.broadcast(S, xp[r1 + 1]);
            FloatVector x12 = FloatVector.broadcast(S, xp[r1 + 2]), x13 = FloatVector.broadcast(S, xp[r1 + 3]);
            FloatVector x20 = FloatVector.broadcast(S, xp[r2]), x21 = FloatVector.broadcast(S, xp[r2 + 1]);
            FloatVector x22 = FloatVector.broadcast(S, xp[r2 + 2]), x23 = FloatVector.broadcast(S, xp[r2 + 3]);
            FloatVector x30 = FloatVector.broadcast(S, xp[r3]), x31 = FloatVector.broadcast(S, xp[r3 + 1]);
            FloatVector x32 = FloatVector.broadcast(S, xp[r3 + 2]), x33 = FloatVector.broadcast(S, xp[r3 + 3]);
            int at = 4 * px * out;
            FloatVector s0 = x00.fma(f0, zero), s1 = x01.fma(f0, zero), s2 = x10.fma(f0, zero), s3 = x11.fma(f0, zero);
            s0 = x01.fma(f1, s0);
            s1 = x02.fma(f1, s1);
            s2 = x11.fma(f1, s2);
            s3 = x12.fma(f1, s3);
            s0 = x02.fma(f2, s0);
            s1 = x03.fma(f2, s1);
            s2 = x12.fma(f2, s2);
            s3 = x13.fma(f2, s3);
            s0 = x10.fma(f3, s0);
            s1 = x11.fma(f3, s1);
            s2 = x20.fma(f3, s2);
            s3 = x21.fma(f3, s3);
            s0 = x11.fma(f4, s0);
            s1 = x12.fma(f4, s1);
            s2 = x21.fma(f4, s2);
            s3 = x22.fma(f4, s3);
            s0 = x12.fma(f5, s0);
            s1 = x13.fma(f5, s1);
            s2 = x22.fma(f5, s2);
            s3 = x23.fma(f5, s3);
            s0 = x20.fma(f6, s0);
            s1 = x21.fma(f6, s1);
            s2 = x30.fma(f6, s2);
            s3 = x31.fma(f6, s3);
            s0 = x21.fma(f7, s0);
            s1 = x22.fma(f7, s1);
            s2 = x31.fma(f7, s2);
            s3 = x32.fma(f7, s3);
            s0 = x22.fma(f8, s0);
            s1 = x23.fma(f8, s1);
            s2 = x32.fma(f8, s2);
            s3 = x33.fma(f8, s3);
            FloatVector t0 = x00.fma(e0, zero), t1 = x01.fma(e0, zero), t2 = x10.fma(e0, zero), t3 = x11.fma(e0, zero);
            t0 = x01.fma(e1, t0);
            t1 = x02.fma(e1, t1);
            t2 = x11.fma(e1, t2);
            t3 = x12.fma(e1, t3);
            t0 = x02.fma(e2, t0);
            t1 = x03.fma(e2, t1);
            t2 = x12.fma(e2, t2);
            t3 = x13.fma(e2, t3);
            t0 = x10.fma(e3, t0);
            t1 = x11.fma(e3, t1);
            t2 = x20.fma(e3, t2);
            t3 = x21.fma(e3, t3);
            t0 = x11.fma(e4, t0);
            t1 = x12.fma(e4, t1);
            t2 = x21.fma(e4, t2);
            t3 = x22.fma(e4, t3);
            t0 = x12.fma(e5, t0);
            t1 = x13.fma(e5, t1);
            t2 = x22.fma(e5, t2);
            t3 = x23.fma(e5, t3);
            t0 = x20.fma(e6, t0);
            t1 = x21.fma(e6, t1);
            t2 = x30.fma(e6, t2);
            t3 = x31.fma(e6, t3);
            t0 = x21.fma(e7, t0);
            t1 = x22.fma(e7, t1);
            t2 = x31.fma(e7, t2);
            t3 = x32.fma(e7, t3);
            t0 = x22.fma(e8, t0);
            t1 = x23.fma(e8, t1);
            t2 = x32.fma(e8, t2);
            t3 = x33.fma(e8, t3);
            if (bias != null) {
                s0 = s0.add(bo);
                s1 = s1.add(bo);
                s2 = s2.add(bo);
                s3 = s3.add(bo);
                t0 = t0.add(bp);
                t1 = t1.add(bp);
                t2 = t2.add(bp);
                t3 = t3.add(bp);
            }
            s0.intoArray(cells, at + o);
            t0.intoArray(cells, at + p);
            s1.intoArray(cells, at + out + o);
            t1.intoArray(cells, at + out + p);
            s2.intoArray(cells, at + 2 * out + o);
            t2.intoArray(cells, at + 2 * out + p);
            s3.intoArray(cells, at + 3 * out + o);
            t3.intoArray(cells, at + 3 * out + p);
        }
    }

    /** Sums for channels {@code o} and {@code p}, plus the bias (null for none), into {@code cells} from {@code at}. */
    private static void store(FloatVector s, FloatVector r, float[] bias, int biasOff, int o, int p, float[] cells, int at) {
        if (bias != null) {
            s = s.add(FloatVector.fromArray(S, bias, biasOff + o));
            r = r.add(FloatVector.fromArray(S, bias, biasOff + p));
        }
        s.intoArray(cells, at + o);
        r.intoArray(cells, at + p);
    }

    /**
     * Two vectors of channels at a time, in two passes: the pooled gradient routed to its winners, each pooling window's
     * four cells side by side in {@code cells}; then three taps at a time (all nine of a 3x3 window of one channel,
     * {@link #threeByThreeTaps}), each term's image value broadcast once for the two vectors. Windows whose values are
     * not a multiple of three, or channel counts that are not whole pairs of vectors, run {@link ScalarLoops}.
     */
    @Override
    public void pooledFilterGradient(float[] xp, int rowStride, int c, int[] taps, float[] dy, int dyOff, int[] from, int fromOff, int convOff,
                                     int out, int ph, int pw, int ow, float[] cells, float[] df) {
        if (taps.length % 3 != 0 || out % (2 * L) != 0) {
            ScalarLoops.pooledFilterGradient(xp, rowStride, c, taps, dy, dyOff, from, fromOff, convOff, out, ph, pw, ow, df);
            return;
        }
        IntVector lanes = IntVector.fromArray(INTS, LANES, 0);
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                int q = py * pw + px, cell = convOff + (2 * py * ow + 2 * px) * out;
                for (int o = 0; o < out; o += L) {
                    IntVector winner = IntVector.fromArray(INTS, from, fromOff + q * out + o);
                    IntVector gradient = ints(FloatVector.fromArray(S, dy, dyOff + q * out + o));
                    IntVector offset = winner.sub(lanes.add(cell + o));
                    for (int a = 0; a < 4; a++) {
                        IntVector elsewhere = nonZero(offset.sub((a / 2 * ow + a % 2) * out));
                        floats(gradient.lanewise(VectorOperators.AND_NOT, elsewhere)).intoArray(cells, (4 * q + a) * out + o);
                    }
                }
            }
        }
        boolean threeByThree = threeByThree(c, taps, rowStride);
        for (int t = 0; t < taps.length; t += threeByThree ? 9 : 3) {
            for (int o = 0; o < out; o += 2 * L) {
                if (threeByThree) {
                    threeByThreeTaps(xp, rowStride, out, ph, pw, cells, o, df);
                } else {
                    threeTaps(xp, rowStride, c, taps[t], taps[t + 1], taps[t + 2], out, ph, pw, cells, o, df, t * out + o);
                }
            }
        }
    }

    /**
     * {@link #threeTaps} for all nine taps of 3x3 windows of one channel at once, the same sums in the same order: each
     * cell's two vectors of the routed gradient loaded once for 18 multiply-adds instead of three times for 6 (the CNN's
     * first layer on two cores, 0.28 ms instead of 0.39 ms). One loop over the cells, as in {@link #threeTaps}.
     */
    private static void threeByThreeTaps(float[] xp, int rowStride, int out, int ph, int pw, float[] cells, int o, float[] df) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0, b8 = a0;
        for (int i = 0; i < 4 * ph * pw; i++) {
            int q = i >> 2, a = i & 3, g = i * out + o;
            int cell = q / pw * 2 * rowStride + q % pw * 2 + (a >> 1) * rowStride + (a & 1), r1 = cell + rowStride, r2 = r1 + rowStride;
            FloatVector ga = FloatVector.fromArray(S, cells, g), gb = FloatVector.fromArray(S, cells, g + L);
            FloatVector x = FloatVector.broadcast(S, xp[cell]);
            a0 = x.fma(ga, a0);
            b0 = x.fma(gb, b0);
            x = FloatVector.broadcast(S, xp[cell + 1]);
            a1 = x.fma(ga, a1);
            b1 = x.fma(gb, b1);
            x = FloatVector.broadcast(S, xp[cell + 2]);
            a2 = x.fma(ga, a2);
            b2 = x.fma(gb, b2);
            x = FloatVector.broadcast(S, xp[r1]);
            a3 = x.fma(ga, a3);
            b3 = x.fma(gb, b3);
            x = FloatVector.broadcast(S, xp[r1 + 1]);
            a4 = x.fma(ga, a4);
            b4 = x.fma(gb, b4);
            x = FloatVector.broadcast(S, xp[r1 + 2]);
            a5 = x.fma(ga, a5);
            b5 = x.fma(gb, b5);
            x = FloatVector.broadcast(S, xp[r2]);
            a6 = x.fma(ga, a6);
            b6 = x.fma(gb, b6);
            x = FloatVector.broadcast(S, xp[r2 + 1]);
            a7 = x.fma(ga, a7);
            b7 = x.fma(gb, b7);
            x = FloatVector.broadcast(S, xp[r2 + 2]);
            a8 = x.fma(ga, a8);
            b8 = x.fma(gb, b8);
        }
        // Stored, then added by a plain loop: the vector adds into df took this method past C2's limit of nodes, and its
        // sums became objects (four times slower).
        float[] sums = new float[18 * L];
        a0.intoArray(sums, 0);
        b0.intoArray(sums, L);
        a1.intoArray(sums, 2 * L);
        b1.intoArray(sums, 3 * L);
        a2.intoArray(sums, 4 * L);
        b2.intoArray(sums, 5 * L);
        a3.intoArray(sums, 6 * L);
        b3.intoArray(sums, 7 * L);
        a4.intoArray(sums, 8 * L);
        b4.intoArray(sums, 9 * L);
        a5.intoArray(sums, 10 * L);
        b5.intoArray(sums, 11 * L);
        a6.intoArray(sums, 12 * L);
        b6.intoArray(sums, 13 * L);
        a7.intoArray(sums, 14 * L);
        b7.intoArray(sums, 15 * L);
        a8.intoArray(sums, 16 * L);
        b8.intoArray(sums, 17 * L);
        for (int t = 0; t < 9; t++) {
            for (int j = 0; j < 2 * L; j++) {
                df[t * out + o + j] += sums[2 * t * L + j];
            }
        }
    }

    /**
     * Taps {@code t0, t1, t2}'s sums for two vectors of channels from {@code o}, added to {@code df}'s rows from
     * {@code at}. One loop over the pooling windows: with their rows and columns as two loops, C2 kept the six sums as
     * objects (a loop over one image ten times slower).
     */
    private static void threeTaps(float[] xp, int rowStride, int c, int t0, int t1, int t2, int out, int ph, int pw, float[] cells, int o,
                                  float[] df, int at) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
        for (int q = 0, px = 0, corner = 0; q < ph * pw; q++) {
            for (int a = 0; a < 4; a++) {
                int cell = corner + a / 2 * rowStride + a % 2 * c, g = (4 * q + a) * out + o;
                FloatVector ga = FloatVector.fromArray(S, cells, g), gb = FloatVector.fromArray(S, cells, g + L);
                FloatVector x0 = FloatVector.broadcast(S, xp[cell + t0]);
                FloatVector x1 = FloatVector.broadcast(S, xp[cell + t1]);
                FloatVector x2 = FloatVector.broadcast(S, xp[cell + t2]);
                a0 = x0.fma(ga, a0);
                b0 = x0.fma(gb, b0);
                a1 = x1.fma(ga, a1);
                b1 = x1.fma(gb, b1);
                a2 = x2.fma(ga, a2);
                b2 = x2.fma(gb, b2);
            }
            if (++px < pw) {
                corner += 2 * c;
            } else {
                px = 0;
                corner += 2 * rowStride - 2 * (pw - 1) * c;
            }
        }
        addTaps(df, at, out, a0, b0, a1, b1, a2, b2);
    }

    /** Three taps' sums for two vectors of channels ({@code a} and {@code b} of each) added to {@code df}'s rows from {@code at}. */
    private static void addTaps(float[] df, int at, int out, FloatVector a0, FloatVector b0, FloatVector a1, FloatVector b1, FloatVector a2,
                                FloatVector b2) {
        FloatVector.fromArray(S, df, at).add(a0).intoArray(df, at);
        FloatVector.fromArray(S, df, at + L).add(b0).intoArray(df, at + L);
        FloatVector.fromArray(S, df, at + out).add(a1).intoArray(df, at + out);
        FloatVector.fromArray(S, df, at + out + L).add(b1).intoArray(df, at + out + L);
        FloatVector.fromArray(S, df, at + 2 * out).add(a2).intoArray(df, at + 2 * out);
        FloatVector.fromArray(S, df, at + 2 * out + L).add(b2).intoArray(df, at + 2 * out + L);
    }

    /**
     * {@code cell} in the lanes where {@code larger}, the maximum of {@code best} and that cell's value, differs from
     * {@code best} in its bits, else {@code index}. The same choice as {@link Pool#argmaxValid}, without a vector
     * compare, which Java 17 does not compile to vector instructions (its mask falls back to Java code).
     */
    private static IntVector taking(IntVector index, FloatVector larger, FloatVector best, IntVector cell) {
        IntVector taken = nonZero(ints(larger).lanewise(VectorOperators.XOR, ints(best)));
        return index.lanewise(VectorOperators.XOR, index.lanewise(VectorOperators.XOR, cell).lanewise(VectorOperators.AND, taken));
    }

    /**
     * {@code x}'s bits as ints, through the int species named outright. {@code reinterpretAsInts()} derives it from x's,
     * and in some runs C2 then did not intrinsify the conversion: the result had no exact type, every operation on it
     * fell back to Java code and made objects (a pooled convolution's forward pass under a tape 0.52-0.58 ms instead of
     * 0.27-0.32 ms in 4 of 8 runs of a loop, the collector running a hundred times in a few seconds; none in 18 since).
     */
    private static IntVector ints(FloatVector x) {
        return (IntVector) x.reinterpretShape(INTS, 0);
    }

    /** {@code x}'s bits as floats, as {@link #ints} the other way. */
    private static FloatVector floats(IntVector x) {
        return (FloatVector) x.reinterpretShape(S, 0);
    }

    /**
     * All ones in the lanes where {@code x} is not zero, else zero: the sign bit of {@code x | -x}, spread. The lane
     * mask a vector compare would give, from integer operations that Java 17 compiles.
     */
    private static IntVector nonZero(IntVector x) {
        return x.lanewise(VectorOperators.OR, x.neg()).lanewise(VectorOperators.ASHR, 31);
    }

    @Override
    public void zip(BinaryOp op, BroadcastPlan plan, float[] a, int aOff, float[] b, int bOff, float[] out) {
        int len = plan.runLength(), runs = plan.runs();
        if ((long) len * runs < PARALLEL_THRESHOLD) {
            zipRuns(op, plan, a, aOff, b, bOff, out, 0, runs, 0, len);
        } else if (runs == 1) {
            int parts = Parallel.threads();
            Parallel.forEach(parts, part -> zipRuns(op, plan, a, aOff, b, bOff, out, 0, 1, cut(len, part, parts), cut(len, part + 1, parts)));
        } else {
            int parts = Math.min(Parallel.threads(), runs);
            Parallel.forEach(parts, part -> zipRuns(op, plan, a, aOff, b, bOff, out, (int) ((long) runs * part / parts),
                    (int) ((long) runs * (part + 1) / parts), 0, len));
        }
    }

    /** Elements {@code [from, to)} of runs {@code [firstRun, endRun)} of {@link #zip}. */
    private static void zipRuns(BinaryOp op, BroadcastPlan plan, float[] a, int aOff, float[] b, int bOff, float[] out,
                                int firstRun, int endRun, int from, int to) {
        int as = plan.step(0), bs = plan.step(1);
        int end = op.exact && as <= 1 && bs <= 1 ? from + S.loopBound(to - from) : from;
        BroadcastPlan.Cursor c = plan.cursor(firstRun);
        for (int run = firstRun; run < endRun && c.next(); run++) {
            int ai = aOff + c.offset(0), bi = bOff + c.offset(1), oi = c.offset(2);
            for (int k = from; k < end; k += L) {
                FloatVector x = as == 1 ? FloatVector.fromArray(S, a, ai + k) : FloatVector.broadcast(S, a[ai]);
                FloatVector y = bs == 1 ? FloatVector.fromArray(S, b, bi + k) : FloatVector.broadcast(S, b[bi]);
                apply(op, x, y).intoArray(out, oi + k);
            }
            ScalarLoops.zipRun(op, a, ai, as, b, bi, bs, out, oi, end, to);
        }
    }

    private static FloatVector apply(BinaryOp op, FloatVector x, FloatVector y) {
        return switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            case MAXIMUM -> x.max(y);
            case MINIMUM -> x.min(y);
            case RELU_GRAD -> keptWherePositive(x, y);
            default -> throw new IllegalArgumentException(op + " has no exact vector form");
        };
    }

    /**
     * {@code g} where {@code y > 0}, else +0, found from y's bits rather than by a vector compare, which Java 17 leaves
     * to Java code: the sign bit of {@code ~bits & -bits} is set where the bits are positive, and that of
     * {@code 0x7f800000 - bits} where they lie past +∞ (a NaN).
     */
    private static FloatVector keptWherePositive(FloatVector g, FloatVector y) {
        IntVector bits = ints(y);
        IntVector notNaN = IntVector.broadcast(INTS, 0x7f800000).sub(bits).not();
        IntVector kept = bits.not().and(bits.neg()).and(notNaN).lanewise(VectorOperators.ASHR, 31);
        return floats(ints(g).and(kept));
    }

    @Override
    public void accumulate(BinaryOp op, BroadcastPlan plan, float[] in, int inOff, float[] out) {
        int len = plan.runLength(), os = plan.step(1);
        if (op == BinaryOp.ADD && os == 1 && plan.step(0) == 1 && plan.rowStep(0) == len && plan.rowStep(1) == 0 && len % L == 0) {
            sumRows(in, inOff, plan.runs(), len, out);
            return;
        }
        int end = op.exact && os == 1 ? S.loopBound(len) : 0;
        for (BroadcastPlan.Cursor c = plan.cursor(); c.next(); ) {
            int ii = inOff + c.offset(0), oi = c.offset(1);
            for (int k = 0; k < end; k += L) {
                apply(op, FloatVector.fromArray(S, out, oi + k), FloatVector.fromArray(S, in, ii + k)).intoArray(out, oi + k);
            }
            ScalarLoops.accumulateRun(op, in, ii, out, oi, os, end, len);
        }
    }

    /**
     * {@code out += } the sum of {@code rows} rows of {@code in} (a bias's gradient from a batch of images' channels),
     * row after row as {@link ScalarLoops#accumulateRun} adds them, two vectors of columns at a time kept in registers
     * down the rows, rather than a run per row stored and loaded again.
     */
    private static void sumRows(float[] in, int inOff, int rows, int len, float[] out) {
        int pairs = len / (2 * L) * 2 * L;
        for (int j = 0; j < pairs; j += 2 * L) {
            FloatVector s0 = FloatVector.fromArray(S, out, j), s1 = FloatVector.fromArray(S, out, j + L);
            for (int r = 0, i = inOff + j; r < rows; r++, i += len) {
                s0 = s0.add(FloatVector.fromArray(S, in, i));
                s1 = s1.add(FloatVector.fromArray(S, in, i + L));
            }
            s0.intoArray(out, j);
            s1.intoArray(out, j + L);
        }
        if (pairs < len) {
            FloatVector s0 = FloatVector.fromArray(S, out, pairs);
            for (int r = 0, i = inOff + pairs; r < rows; r++, i += len) {
                s0 = s0.add(FloatVector.fromArray(S, in, i));
            }
            s0.intoArray(out, pairs);
        }
    }

    /**
     * A column of cells at a time ({@code Bᵀ·d}, into {@code v}), then a row of {@code v} at a time, in place: small
     * loops, where the whole tile written out as one block of vector code was too large for C2 to inline its parts
     * (it gave up at its node-count limit, and the vectors became objects).
     */
    @Override
    public void winogradTile(float[] in, int off, int rowStride, int c, float[] v, int vOff, int vStride, int chunkStride) {
        int whole = L <= MatMul.PANEL_CHUNK ? S.loopBound(c) : 0;
        for (int ch = 0; ch < whole; ch += L) {
            int at = vOff + MatMul.chunked(ch, chunkStride);
            for (int q = 0, i = off + ch, o = at; q < 4; q++, i += c, o += vStride) {
                FloatVector d0 = FloatVector.fromArray(S, in, i), d1 = FloatVector.fromArray(S, in, i + rowStride);
                FloatVector d2 = FloatVector.fromArray(S, in, i + 2 * rowStride), d3 = FloatVector.fromArray(S, in, i + 3 * rowStride);
                d0.sub(d2).intoArray(v, o);
                d1.add(d2).intoArray(v, o + 4 * vStride);
                d2.sub(d1).intoArray(v, o + 8 * vStride);
                d1.sub(d3).intoArray(v, o + 12 * vStride);
            }
            for (int r = 0, o = at; r < 4; r++, o += 4 * vStride) {
                FloatVector t0 = FloatVector.fromArray(S, v, o), t1 = FloatVector.fromArray(S, v, o + vStride);
                FloatVector t2 = FloatVector.fromArray(S, v, o + 2 * vStride), t3 = FloatVector.fromArray(S, v, o + 3 * vStride);
                t0.sub(t2).intoArray(v, o);
                t1.add(t2).intoArray(v, o + vStride);
                t2.sub(t1).intoArray(v, o + 2 * vStride);
                t1.sub(t3).intoArray(v, o + 3 * vStride);
            }
        }
        ScalarLoops.winogradTile(in, off, rowStride, c, v, vOff, vStride, chunkStride, whole);
    }

    /** As {@link #winogradTile}, in two small loops: {@code A·g} into columns 0 and 1 of {@code m}, then along its rows. */
    @Override
    public void winogradGradientTile(float[] g, int off, int rowStride, int out, float[] m, int mOff, int mStride) {
        int whole = S.loopBound(out);
        for (int ch = 0; ch < whole; ch += L) {
            for (int q = 0, i = off + ch, o = mOff + ch; q < 2; q++, i += out, o += mStride) {
                FloatVector g0 = FloatVector.fromArray(S, g, i), g1 = FloatVector.fromArray(S, g, i + rowStride);
                g0.intoArray(m, o);
                g0.add(g1).intoArray(m, o + 4 * mStride);
                g0.sub(g1).intoArray(m, o + 8 * mStride);
                g1.neg().intoArray(m, o + 12 * mStride);
            }
            for (int r = 0, o = mOff + ch; r < 4; r++, o += 4 * mStride) {
                FloatVector t0 = FloatVector.fromArray(S, m, o), t1 = FloatVector.fromArray(S, m, o + mStride);
                t0.add(t1).intoArray(m, o + mStride);
                t0.sub(t1).intoArray(m, o + 2 * mStride);
                t1.neg().intoArray(m, o + 3 * mStride);
            }
        }
        ScalarLoops.winogradGradientTile(g, off, rowStride, out, m, mOff, mStride, whole);
    }

    /** As {@link #winogradTile}, in two small loops: {@code Aᵀ·m} into rows 0 and 1 of {@code m}, then the outputs. */
    @Override
    public void winogradOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int rowStride, int rows,
                                int cols) {
        int whole = S.loopBound(out);
        for (int ch = 0; ch < whole; ch += L) {
            winogradColumns(m, mOff + ch, mStride);
            for (int r = 0, i = mOff + ch, o = yOff + ch; r < rows; r++, i += 4 * mStride, o += rowStride) {
                FloatVector s0 = FloatVector.fromArray(S, m, i), s1 = FloatVector.fromArray(S, m, i + mStride);
                FloatVector s2 = FloatVector.fromArray(S, m, i + 2 * mStride), s3 = FloatVector.fromArray(S, m, i + 3 * mStride);
                FloatVector first = s0.add(s1).add(s2), second = s1.sub(s2).sub(s3);
                if (bias != null) {
                    FloatVector b = FloatVector.fromArray(S, bias, biasOff + ch);
                    first = first.add(b);
                    second = second.add(b);
                }
                first.intoArray(y, o);
                if (cols == 2) {
                    second.intoArray(y, o + out);
                }
            }
        }
        ScalarLoops.winogradOutputs(m, mOff, mStride, out, bias, biasOff, y, yOff, rowStride, rows, cols, whole);
    }

    /**
     * As {@link #winogradOutputs}, a vector of channels at a time: its four outputs ({@link #blockOutputs}), then their
     * maximum and its place ({@link #blockMaximum}). Two methods, each kept out of its caller by the compiler directives:
     * as one, C2 reached its limit of nodes before inlining {@link #taking}, and the vectors became objects.
     */
    @Override
    public void winogradPooledOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int[] from,
                                      int place, int rowStride) {
        int whole = S.loopBound(out);
        for (int ch = 0; ch < whole; ch += L) {
            blockOutputs(m, mOff + ch, mStride, bias, biasOff + ch);
            blockMaximum(m, mOff + ch, mStride, y, yOff + ch, from, place + ch, out, rowStride);
        }
        ScalarLoops.winogradPooledOutputs(m, mOff, mStride, out, bias, biasOff, y, yOff, from, place, rowStride, whole);
    }

    /** A vector of channels of a tile's four outputs, plus the bias (null for none), into {@code m} from {@code i}, {@code mStride} apart. */
    private static void blockOutputs(float[] m, int i, int mStride, float[] bias, int biasAt) {
        winogradColumns(m, i, mStride);
        FloatVector s0 = FloatVector.fromArray(S, m, i), s1 = FloatVector.fromArray(S, m, i + mStride);
        FloatVector s2 = FloatVector.fromArray(S, m, i + 2 * mStride), s3 = FloatVector.fromArray(S, m, i + 3 * mStride);
        FloatVector s4 = FloatVector.fromArray(S, m, i + 4 * mStride), s5 = FloatVector.fromArray(S, m, i + 5 * mStride);
        FloatVector s6 = FloatVector.fromArray(S, m, i + 6 * mStride), s7 = FloatVector.fromArray(S, m, i + 7 * mStride);
        FloatVector v0 = s0.add(s1).add(s2), v1 = s1.sub(s2).sub(s3), v2 = s4.add(s5).add(s6), v3 = s5.sub(s6).sub(s7);
        if (bias != null) {
            FloatVector b = FloatVector.fromArray(S, bias, biasAt);
            v0 = v0.add(b);
            v1 = v1.add(b);
            v2 = v2.add(b);
            v3 = v3.add(b);
        }
        v0.intoArray(m, i);
        v1.intoArray(m, i + mStride);
        v2.intoArray(m, i + 2 * mStride);
        v3.intoArray(m, i + 3 * mStride);
    }

    /**
     * The maximum of the four outputs {@link #blockOutputs} left in {@code m} into {@code y} at {@code yAt}, and its place
     * into {@code from} (unless null), in straight code as {@link #twoByTwo}: output (r, q) is at {@code cell + r·rowStride
     * + q·out} in the convolution's output.
     */
    private static void blockMaximum(float[] m, int i, int mStride, float[] y, int yAt, int[] from, int cell, int out, int rowStride) {
        FloatVector v0 = FloatVector.fromArray(S, m, i);
        FloatVector v1 = v0.max(FloatVector.fromArray(S, m, i + mStride));
        FloatVector v2 = v1.max(FloatVector.fromArray(S, m, i + 2 * mStride));
        FloatVector v3 = v2.max(FloatVector.fromArray(S, m, i + 3 * mStride));
        v3.intoArray(y, yAt);
        if (from != null) {
            IntVector lanes = IntVector.fromArray(INTS, LANES, 0);
            IntVector index = taking(lanes.add(cell), v1, v0, lanes.add(cell + out));
            index = taking(index, v2, v1, lanes.add(cell + rowStride));
            taking(index, v3, v2, lanes.add(cell + rowStride + out)).intoArray(from, yAt);
        }
    }

    /** {@code Aᵀ·m} down the columns of a vector of channels of {@code m} from {@code i}, into its rows 0 and 1 (in place). */
    private static void winogradColumns(float[] m, int i, int mStride) {
        for (int q = 0; q < 4; q++, i += mStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, i), m1 = FloatVector.fromArray(S, m, i + 4 * mStride);
            FloatVector m2 = FloatVector.fromArray(S, m, i + 8 * mStride), m3 = FloatVector.fromArray(S, m, i + 12 * mStride);
            m0.add(m1).add(m2).intoArray(m, i);
            m1.sub(m2).sub(m3).intoArray(m, i + 4 * mStride);
        }
    }

    /** A vector of the row at a time, kept in a register down the rows. */
    @Override
    public void addToRows(float[] x, int xOff, int rows, int length, float[] row, int rowOff) {
        int whole = S.loopBound(length);
        for (int j = 0; j < whole; j += L) {
            FloatVector add = FloatVector.fromArray(S, row, rowOff + j);
            for (int r = 0, i = xOff + j; r < rows; r++, i += length) {
                FloatVector.fromArray(S, x, i).add(add).intoArray(x, i);
            }
        }
        ScalarLoops.addToRows(x, xOff, rows, length, row, rowOff, whole);
    }

    @Override
    public void unsignedBytesDivided(byte[] src, int off, float[] out, int n, float divisor) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) {
            IntVector bytes = (IntVector) ByteVector.fromArray(BYTES, src, off + i).convertShape(VectorOperators.B2I, INTS, 0);
            ((FloatVector) bytes.and(0xFF).convertShape(VectorOperators.I2F, S, 0)).div(divisor).intoArray(out, i);
        }
        ScalarLoops.unsignedBytesDivided(src, off, out, end, n, divisor);
    }

    @Override
    public void adam(float[] var, float[] m, float[] v, float[] g, int gOff, int n, int cols, float alpha, float beta1, float beta2, float epsilon) {
        // Whole rows to each thread, as the weight-gradient product splits them; columns would share cache lines.
        int rows = n / cols;
        int parts = n < PARALLEL_THRESHOLD ? 1 : Math.min(Parallel.threads(), rows);
        Parallel.forEach(parts, part -> {
            int from = part == 0 ? 0 : rows * part / parts * cols;
            int to = part == parts - 1 ? n : rows * (part + 1) / parts * cols;
            adamRange(var, m, v, g, gOff, from, to, alpha, beta1, beta2, epsilon);
        });
    }

    private static void adamRange(float[] var, float[] m, float[] v, float[] g, int gOff, int from, int to,
                             float alpha, float beta1, float beta2, float epsilon) {
        float oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;
        int end = from + S.loopBound(to - from);
        for (int i = from; i < end; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, gOff + i);
            FloatVector mi = FloatVector.fromArray(S, m, i);
            FloatVector vi = FloatVector.fromArray(S, v, i);
            mi = flush(mi.add(gi.sub(mi).mul(oneMinusBeta1)));
            vi = flush(vi.add(gi.mul(gi).sub(vi).mul(oneMinusBeta2)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector step = mi.mul(alpha).div(vi.sqrt().add(epsilon));
            FloatVector.fromArray(S, var, i).sub(step).intoArray(var, i);
        }
        ScalarLoops.adamRange(var, m, v, g, gOff, end, to, alpha, beta1, beta2, epsilon);
    }

    @Override
    public int lanes() {
        return S.length();
    }

    @Override
    public float fmaChains(int iterations) {
        FloatVector x = FloatVector.broadcast(S, 0.999f), y = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = FloatVector.broadcast(S, 0), c1 = FloatVector.broadcast(S, 1), c2 = FloatVector.broadcast(S, 2);
        FloatVector c3 = FloatVector.broadcast(S, 3), c4 = FloatVector.broadcast(S, 4), c5 = FloatVector.broadcast(S, 5);
        FloatVector c6 = FloatVector.broadcast(S, 6), c7 = FloatVector.broadcast(S, 7), c8 = FloatVector.broadcast(S, 8);
        FloatVector c9 = FloatVector.broadcast(S, 9), c10 = FloatVector.broadcast(S, 10), c11 = FloatVector.broadcast(S, 11);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(x, y);
            c1 = c1.fma(x, y);
            c2 = c2.fma(x, y);
            c3 = c3.fma(x, y);
            c4 = c4.fma(x, y);
            c5 = c5.fma(x, y);
            c6 = c6.fma(x, y);
            c7 = c7.fma(x, y);
            c8 = c8.fma(x, y);
            c9 = c9.fma(x, y);
            c10 = c10.fma(x, y);
            c11 = c11.fma(x, y);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector flush(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }
}
