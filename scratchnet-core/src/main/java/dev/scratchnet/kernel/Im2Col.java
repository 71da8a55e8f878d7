package dev.scratchnet.kernel;

/**
 * Convolution windows as rows: for an NHWC image batch, each output position's window of
 * {@code kh x kw x channels} values becomes one row, so a convolution is one matrix product. An index map per
 * example (−1 where a window reaches into the padding) drives both directions: the gather forward and the
 * scatter-add of the gradient.
 */
public final class Im2Col {
    private Im2Col() {
    }

    /**
     * For one example [h, w, c], the source index of every element of its windows [oh, ow, kh, kw, c], or −1 in the
     * padding; windows start at {@code (oh·strideH − padTop, ow·strideW − padLeft)}.
     */
    public static int[] indexMap(int h, int w, int c, int kh, int kw, int strideH, int strideW, int oh, int ow, int padTop, int padLeft) {
        int[] map = new int[oh * ow * kh * kw * c];
        int i = 0;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int ky = 0; ky < kh; ky++) {
                    int iy = y * strideH + ky - padTop;
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = x * strideW + kx - padLeft;
                        boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        for (int ch = 0; ch < c; ch++) {
                            map[i++] = inside ? (iy * w + ix) * c + ch : -1;
                        }
                    }
                }
            }
        }
        return map;
    }

    /** {@code out[n, i] = x[n, map[i]]} ({@code pad} where map[i] is −1) for {@code batch} examples of {@code exampleSize} values. */
    public static void gather(float[] x, int xOff, int batch, int exampleSize, int[] map, float pad, float[] out) {
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            for (int n = batch * part / parts; n < batch * (part + 1) / parts; n++) {
                int src = xOff + n * exampleSize, dst = n * map.length;
                for (int i = 0; i < map.length; i++) {
                    int s = map[i];
                    out[dst + i] = s < 0 ? pad : x[src + s];
                }
            }
        });
    }

    public static void gather(double[] x, int xOff, int batch, int exampleSize, int[] map, double pad, double[] out) {
        for (int n = 0; n < batch; n++) {
            int src = xOff + n * exampleSize, dst = n * map.length;
            for (int i = 0; i < map.length; i++) {
                int s = map[i];
                out[dst + i] = s < 0 ? pad : x[src + s];
            }
        }
    }

    /** The gradient of {@link #gather}: {@code dx[n, map[i]] += dy[n, i]}. {@code dx} starts at zero. */
    public static void scatterAdd(float[] dy, int dyOff, int batch, int exampleSize, int[] map, float[] dx) {
        int parts = batch >= 8 ? Parallel.threads() : 1;
        Parallel.forEach(parts, part -> {
            for (int n = batch * part / parts; n < batch * (part + 1) / parts; n++) {
                int src = dyOff + n * map.length, dst = n * exampleSize;
                for (int i = 0; i < map.length; i++) {
                    int d = map[i];
                    if (d >= 0) {
                        dx[dst + d] += dy[src + i];
                    }
                }
            }
        });
    }

    public static void scatterAdd(double[] dy, int dyOff, int batch, int exampleSize, int[] map, double[] dx) {
        for (int n = 0; n < batch; n++) {
            int src = dyOff + n * map.length, dst = n * exampleSize;
            for (int i = 0; i < map.length; i++) {
                int d = map[i];
                if (d >= 0) {
                    dx[dst + d] += dy[src + i];
                }
            }
        }
    }
}
