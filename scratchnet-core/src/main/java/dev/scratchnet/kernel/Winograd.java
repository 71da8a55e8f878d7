package dev.scratchnet.kernel;

import java.util.Arrays;

/**
 * Stride-1 3x3 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015): each 2x2 block of outputs comes from a 4x4 tile of the image, whose transform
 * ({@link Loops#winogradTile}) is multiplied element by element with the filters' transforms, summed over the
 * channels and transformed back ({@link Loops#winogradOutputs}). Summed over the channels, the 16 element-wise
 * products are 16 matrix products {@code [tiles, c]·[c, out]}: 16 multiply-adds for a block of four outputs and a pair
 * of channels instead of 36. The tiles' transforms are written packed for {@link MatMul#packedProduct}, which keeps the
 * products fast with as few as 32 columns out (an images' gradient of 64 channels to 32: on one core, the forward pass
 * 2.5-2.7 ms instead of 3.1-3.4 ms). The filters' gradient runs the same transforms backwards ({@link #filterGradient}).
 * The transforms only add and subtract (the filters' also halve), so the results differ from the windows' products by
 * rounding alone: within a few times float32's epsilon times the sum of the terms' sizes (the tests bound it). Tiles
 * go through in blocks whose transforms stay in the core's cache; both kernel paths run the same transforms and
 * products, so they give the same bits, on any number of threads.
 */
final class Winograd {
    /**
     * With fewer channels in or out the windows' product is kept: the transforms then cost more than the products save.
     * A batch of 64 14x14 images, on one core, this way against the windows': 8 channels to 32, 1.04-1.05 ms against
     * 0.67-0.81; 8 to 64, 1.32-1.43 against 0.92-1.00; 16 to 16, 0.63-0.80 against 0.80-0.87; 16 to 32, 0.86-1.01
     * against 1.06-1.15; 32 to 64, 2.12-2.26 against 4.45-4.55; 64 to 32, 2.57-2.79 against 4.14-4.24.
     */
    private static final int MIN_CHANNELS = 16;
    /**
     * A block's transforms and products hold at most this many floats (1 MB, within a core's L2 cache). For the CNN's
     * second convolution, blocks of 20, 40, 60 and 120 tiles gave forward passes within the same spread on two cores
     * (1.38-1.80 ms).
     */
    private static final int BLOCK_FLOATS = 1 << 18;

    private Winograd() {
    }

    /** Whether {@link #forward} computes this convolution, to {@code out} channels. */
    static boolean applies(Convolution.Geometry g, int out) {
        return g.kh() == 3 && g.kw() == 3 && g.c() >= MIN_CHANNELS && out >= MIN_CHANNELS;
    }

    /**
     * {@link Convolution#forward} for 3x3 filters: {@code y [windows, out]}, the filters {@code [3, 3, c, out]} from
     * {@code fOff}, the bias (null for none) from {@code biasOff}.
     */
    static void forward(float[] x, int xOff, Convolution.Geometry g, float[] filters, int fOff, float[] bias, int biasOff, int out, float[] y) {
        products(x, xOff, g, filters, fOff, out, (loops, m, mOff, mStride, image, oy, ox) ->
                loops.winogradOutputs(m, mOff, mStride, out, bias, biasOff, y, ((image * g.oh() + oy) * g.ow() + ox) * out, g.ow() * out,
                        Math.min(2, g.oh() - oy), Math.min(2, g.ow() - ox)));
    }

    /**
     * {@link #forward} followed by 2x2 max pooling (VALID), each block of outputs being a pooling window: only the
     * maxima are written, {@code y [n, oh / 2, ow / 2, out]}, and their places in the convolution's output into
     * {@code from} (null for none), as {@link Loops#maxPool} gives them.
     */
    static void pooledForward(float[] x, int xOff, Convolution.Geometry g, float[] filters, int fOff, float[] bias, int biasOff, int out, float[] y,
                              int[] from) {
        int ph = g.oh() / 2, pw = g.ow() / 2;
        products(x, xOff, g, filters, fOff, out, (loops, m, mOff, mStride, image, oy, ox) -> {
            if (oy / 2 < ph && ox / 2 < pw) {
                loops.winogradPooledOutputs(m, mOff, mStride, out, bias, biasOff, y, ((image * ph + oy / 2) * pw + ox / 2) * out, from,
                        ((image * g.oh() + oy) * g.ow() + ox) * out, g.ow() * out);
            }
        });
    }

    /**
     * What becomes of a tile's 16 products, {@code m}'s element {@code i} from {@code mOff + i·mStride}: the outputs of
     * the block at ({@code oy}, {@code ox}) of {@code image}.
     */
    @FunctionalInterface
    private interface TileOutputs {
        void write(Loops loops, float[] m, int mOff, int mStride, int image, int oy, int ox);
    }

    /**
     * The tiles' transforms times the filters', a block of tiles at a time, each tile's products then handed to
     * {@code outputs}. The tiles are split over the cores in equal shares.
     */
    private static void products(float[] x, int xOff, Convolution.Geometry g, float[] filters, int fOff, int out, TileOutputs outputs) {
        int c = g.c(), tileRows = (g.oh() + 1) / 2, tileCols = (g.ow() + 1) / 2, tiles = g.n() * tileRows * tileCols;
        float[] u = filterTransforms(filters, fOff, c, out);
        MatMul product = Kernels.matMul();
        Loops loops = Kernels.loops();
        int blockTiles = blockTiles(c, out), blocks = (tiles + blockTiles - 1) / blockTiles;
        int vStride = blockTiles * MatMul.packedColumns(c), chunkStride = MatMul.PANEL_ROWS * MatMul.PANEL_CHUNK;
        int parts = (long) tiles * c * out * 16 < MatMul.PARALLEL_THRESHOLD ? 1 : Math.min(blocks, Parallel.threads());
        Parallel.forEach(parts, part -> {
            float[][] buffers = buffers(blockTiles, c, out);
            float[] v = buffers[0], m = buffers[1], cells = buffers[2];
            for (int block = blocks * part / parts, end = blocks * (part + 1) / parts; block < end; block++) {
                int first = block * blockTiles, count = Math.min(blockTiles, tiles - first);
                for (int t = 0; t < count; t++) {
                    int tile = first + t, image = tile / (tileRows * tileCols);
                    int top = tile % (tileRows * tileCols) / tileCols * 2 - g.padTop(), left = tile % tileCols * 2 - g.padLeft();
                    transformTile(loops, x, xOff, g, image, top, left, cells, v, MatMul.packedIndex(t, 0, c), vStride, chunkStride);
                }
                int panelRows = (count + MatMul.PANEL_ROWS - 1) / MatMul.PANEL_ROWS * MatMul.PANEL_ROWS;
                for (int e = 0; e < 16; e++) {
                    product.packedProduct(v, e * vStride, u, e * c * out, out, m, e * blockTiles * out, panelRows, out, c);
                }
                for (int t = 0; t < count; t++) {
                    int tile = first + t;
                    outputs.write(loops, m, t * out, blockTiles * out, tile / (tileRows * tileCols), tile % (tileRows * tileCols) / tileCols * 2,
                            tile % tileCols * 2);
                }
            }
        });
    }

    /**
     * {@link Convolution#filterGradient} for 3x3 filters: {@code df [3, 3, c, out]} from {@code dy [windows, out]} at
     * {@code dyOff}, as {@code Gᵀ·(Σ (A·dy·Aᵀ) ⊙ (Bᵀ·d·B))·G} over the tiles (the forward pass's transforms run
     * backwards): for each of the 16 elements a product {@code [c, tiles]·[tiles, out]}, summed block by block in two
     * halves as the windows' way sums its products ({@link Convolution#sumInHalves}).
     */
    static void filterGradient(float[] x, int xOff, Convolution.Geometry g, float[] dy, int dyOff, int out, float[] df) {
        int c = g.c(), tileRows = (g.oh() + 1) / 2, tileCols = (g.ow() + 1) / 2, tiles = g.n() * tileRows * tileCols;
        MatMul product = Kernels.matMul();
        Loops loops = Kernels.loops();
        int blockTiles = blockTiles(c, out), plane = c * out;
        boolean inHalves = tiles >= 2 * blockTiles && (long) tiles * c * out * 16 >= MatMul.PARALLEL_THRESHOLD;
        float[] sum = new float[16 * plane];
        Convolution.sumInHalves(tiles, blockTiles, inHalves, sum, (first, count, into) -> {
            float[][] buffers = buffers(blockTiles, c, out);
            float[] v = buffers[0], m = buffers[1], cells = buffers[2];
            for (int t = 0; t < count; t++) {
                int tile = first + t, image = tile / (tileRows * tileCols);
                int oy = tile % (tileRows * tileCols) / tileCols * 2, ox = tile % tileCols * 2;
                transformTile(loops, x, xOff, g, image, oy - g.padTop(), ox - g.padLeft(), cells, v, t * c, blockTiles * c, MatMul.PANEL_CHUNK);
                int at = dyOff + ((image * g.oh() + oy) * g.ow() + ox) * out;
                if (oy + 2 <= g.oh() && ox + 2 <= g.ow()) {
                    loops.winogradGradientTile(dy, at, g.ow() * out, out, m, t * out, blockTiles * out);
                } else {
                    Arrays.fill(cells, 0, 4 * out, 0f);
                    for (int r = 0; r < Math.min(2, g.oh() - oy); r++) {
                        System.arraycopy(dy, at + r * g.ow() * out, cells, 2 * r * out, Math.min(2, g.ow() - ox) * out);
                    }
                    loops.winogradGradientTile(cells, 0, 2 * out, out, m, t * out, blockTiles * out);
                }
            }
            for (int e = 0; e < 16; e++) {
                product.product(v, e * blockTiles * c, 1, c, m, e * blockTiles * out, out, 1, into, e * plane, c, out, count);
            }
        });
        gradientFromTransforms(sum, plane, df);
    }

    /**
     * A tile's transform into {@code v} ({@link Loops#winogradTile}): the 4x4 cells of {@code image} from row {@code top}
     * and column {@code left}.
     */
    private static void transformTile(Loops loops, float[] x, int xOff, Convolution.Geometry g, int image, int top, int left, float[] cells,
                                      float[] v, int vOff, int vStride, int chunkStride) {
        int c = g.c();
        if (top >= 0 && top + 4 <= g.h() && left >= 0 && left + 4 <= g.w()) {
            loops.winogradTile(x, xOff + ((image * g.h() + top) * g.w() + left) * c, g.w() * c, c, v, vOff, vStride, chunkStride);
        } else {
            edgeCells(x, xOff, g, image, top, left, cells);
            loops.winogradTile(cells, 0, 4 * c, c, v, vOff, vStride, chunkStride);
        }
    }

    /** {@code df = Gᵀ·u·G} for each of the {@code plane} pairs of channels: the 3x3 filters' gradient from the 16 sums. */
    private static void gradientFromTransforms(float[] u, int plane, float[] df) {
        float[] t = new float[12];
        for (int i = 0; i < plane; i++) {
            for (int q = 0; q < 4; q++) {
                float u0 = u[q * plane + i], u1 = u[(4 + q) * plane + i], u2 = u[(8 + q) * plane + i], u3 = u[(12 + q) * plane + i];
                t[q] = u0 + 0.5f * (u1 + u2);
                t[4 + q] = 0.5f * (u1 - u2);
                t[8 + q] = 0.5f * (u1 + u2) + u3;
            }
            for (int r = 0; r < 3; r++) {
                float t0 = t[4 * r], t1 = t[4 * r + 1], t2 = t[4 * r + 2], t3 = t[4 * r + 3];
                df[(3 * r) * plane + i] = t0 + 0.5f * (t1 + t2);
                df[(3 * r + 1) * plane + i] = 0.5f * (t1 - t2);
                df[(3 * r + 2) * plane + i] = 0.5f * (t1 + t2) + t3;
            }
        }
    }

    /** The tiles of a block: a multiple of the products' tiles (5 and 10 rows), at most 120. */
    private static int blockTiles(int c, int out) {
        return Math.max(10, Math.min(120, BLOCK_FLOATS / 16 / (c + out) / 10 * 10));
    }

    /**
     * This thread's scratch for a block of {@code tiles} tiles with {@code c} channels in and {@code out} out: the tiles'
     * transforms (room for them packed), the products, one tile's cells at an edge.
     */
    private static float[][] buffers(int tiles, int c, int out) {
        return new float[][] {Scratch.floats(0, 16 * tiles * MatMul.packedColumns(c)), Scratch.floats(1, 16 * tiles * out),
            Scratch.floats(2, Math.max(16 * c, 4 * out))};
    }

    /** The 4x4 cells of a tile that reaches past the image, from row {@code top} and column {@code left}: zeros outside. */
    private static void edgeCells(float[] x, int xOff, Convolution.Geometry g, int image, int top, int left, float[] cells) {
        int c = g.c();
        for (int r = 0; r < 4; r++) {
            for (int q = 0; q < 4; q++) {
                int iy = top + r, ix = left + q, to = (4 * r + q) * c;
                if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                    Arrays.fill(cells, to, to + c, 0f);
                } else {
                    System.arraycopy(x, xOff + ((image * g.h() + iy) * g.w() + ix) * c, cells, to, c);
                }
            }
        }
    }

    /**
     * The filters' transforms {@code G·f·Gᵀ}, 16 matrices {@code [c, out]} (element {@code 4r + q} of each filter's
     * 4x4 transform in matrix {@code 4r + q}), into the calling thread's scratch slot 3, apart from the three its part of
     * the tiles uses.
     */
    private static float[] filterTransforms(float[] filters, int fOff, int c, int out) {
        float[] u = Scratch.floats(3, 16 * c * out);
        int plane = c * out;
        float[] t = new float[12];
        for (int i = 0; i < plane; i++) {
            for (int j = 0; j < 3; j++) {
                float f0 = filters[fOff + j * plane + i], f1 = filters[fOff + (3 + j) * plane + i], f2 = filters[fOff + (6 + j) * plane + i];
                t[j] = f0;
                t[3 + j] = 0.5f * (f0 + f1 + f2);
                t[6 + j] = 0.5f * (f0 - f1 + f2);
                t[9 + j] = f2;
            }
            for (int r = 0; r < 4; r++) {
                float t0 = t[3 * r], t1 = t[3 * r + 1], t2 = t[3 * r + 2];
                u[(4 * r) * plane + i] = t0;
                u[(4 * r + 1) * plane + i] = 0.5f * (t0 + t1 + t2);
                u[(4 * r + 2) * plane + i] = 0.5f * (t0 - t1 + t2);
                u[(4 * r + 3) * plane + i] = t2;
            }
        }
        return u;
    }
}
