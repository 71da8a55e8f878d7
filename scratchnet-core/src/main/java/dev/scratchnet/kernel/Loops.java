package dev.scratchnet.kernel;

/**
 * The float32 loops of a training step besides the products, each with a portable implementation
 * ({@link ScalarLoops}) and a Vector API one ({@link VectorLoops}) that gives the same bits.
 *
 * <p>Moments that decay towards zero (pixels that are never lit give a zero gradient at every step) would
 * become subnormal floats within an epoch, and arithmetic on subnormals is many times slower on x86. The JVM
 * cannot set the CPU's flush-to-zero mode, so the optimizer loops flush moments below the smallest normal value
 * to zero, as TensorFlow does on CPU.
 */
public interface Loops {
    /** {@code out[i] = op(x[xOff + i])} for {@code n} elements. */
    void map(UnaryOp op, float[] x, int xOff, float[] out, int n);

    /** {@code out = op(a, b)} under a plan of (a, b, out). */
    void zip(BinaryOp op, BroadcastPlan plan, float[] a, int aOff, float[] b, int bOff, float[] out);

    /**
     * {@code out = op(out, in)} under a plan of (in, out) over the input's shape, where {@code out} is zero along the
     * reduced axes: a sum ({@link BinaryOp#ADD}) or maximum ({@link BinaryOp#MAXIMUM}) over those axes, accumulated in
     * the order of the input's elements.
     */
    void accumulate(BinaryOp op, BroadcastPlan plan, float[] in, int inOff, float[] out);

    /** {@code row} (from {@code rowOff}) added to each of {@code rows} rows of {@code length} values of {@code x} from {@code xOff}. */
    void addToRows(float[] x, int xOff, int rows, int length, float[] row, int rowOff);

    /**
     * {@code out[i] = (src[off + i] & 0xFF) / divisor}: unsigned bytes (image pixels) to float32 in one pass, the same
     * bits as converting first and dividing after.
     */
    void unsignedBytesDivided(byte[] src, int off, float[] out, int n, float divisor);

    /**
     * Max pooling over windows wholly inside NHWC images (VALID padding): each window's maximum into {@code out} and
     * where it came from into {@code from}, as {@link Pool#argmaxValid} gives them, the first of equal maxima; with
     * {@code from} null, the maxima alone (nothing will route a gradient back).
     */
    void maxPool(float[] in, int off, int batch, int h, int w, int c, int size, int stride, int oh, int ow, int[] from, float[] out);

    /**
     * The gradient of {@link #maxPool} for windows {@code size} apart (the stride the size): every element of
     * {@code dx}, the images' gradient, written: the output's gradient at each window's winner ({@code from}), zero
     * elsewhere, also in the rows and columns no window covers.
     */
    void maxPoolGradient(float[] dy, int dyOff, int[] from, int batch, int h, int w, int c, int size, int oh, int ow, float[] dx);

    /**
     * One image's convolution and the 2x2 max pooling after it ({@link PooledConvolution}): for each pooling window, its
     * four outputs {@code Σ_t xp[cell + taps[t]]·filters[t, o]} (fused multiply-adds from zero, in the taps' order,
     * then plus the bias, null for none, as {@link Convolution#forward} sums them), their maximum into {@code y} and
     * its place into {@code from} at the same index (with {@code from} null, the maxima alone), as {@link #maxPool} gives
     * them. The image {@code xp} is padded: output (oy, ox)'s window starts at {@code oy·rowStride + ox·c}. The pooled
     * outputs {@code [ph, pw, out]} go to {@code y} and {@code from} from {@code yOff}; a place is an index into the
     * convolution's output {@code [.., ow, out]}, whose image starts at {@code convOff}. {@code cells} holds
     * {@code 4·ph·pw·out} floats of scratch.
     */
    void convolvePooled(float[] xp, int rowStride, int c, int[] taps, float[] filters, int fOff, float[] bias, int biasOff, int out, int ph,
                        int pw, int ow, float[] cells, float[] y, int yOff, int[] from, int convOff);

    /**
     * One image's terms of the filters' gradient of {@link #convolvePooled}, added to {@code df [taps, out]}: the pooled
     * gradient {@code dy} (from {@code dyOff}, laid out as {@code y}) taken at each window's winner ({@code from}, from
     * {@code fromOff}), times the winner's window. Each element adds one sum, from zero, over the pooling windows in
     * order and each window's four cells in row-major order (zero terms where a cell did not win). {@code cells} holds
     * {@code 4·ph·pw·out} floats of scratch.
     */
    void pooledFilterGradient(float[] xp, int rowStride, int c, int[] taps, float[] dy, int dyOff, int[] from, int fromOff, int convOff,
                              int out, int ph, int pw, int ow, float[] cells, float[] df);

    /**
     * Winograd's F(2x2, 3x3) transform of one 4x4 tile of an NHWC image, {@code Bᵀ·d·B} for each of {@code c} channels:
     * cell (r, q)'s channels are {@code c} values from {@code off + r·rowStride + q·c} in {@code in}; element
     * {@code 4r + q} of the transform goes to {@code c} values from {@code vOff + (4r + q)·vStride} in {@code v}, in
     * chunks of {@value MatMul#PANEL_CHUNK} channels {@code chunkStride} apart (contiguous when that is the chunk's
     * length; a packed A of {@link MatMul#packedProduct} otherwise). Down the columns first ({@code Bᵀ·d}), then along
     * the rows, each step the sum or difference of two values.
     */
    void winogradTile(float[] in, int off, int rowStride, int c, float[] v, int vOff, int vStride, int chunkStride);

    /**
     * The transform {@code A·g·Aᵀ} of a 2x2 block of an output's gradient, for the filters' gradient by Winograd's
     * F(2x2, 3x3), for each of {@code out} channels: cell (r, q)'s channels are {@code out} values from
     * {@code off + r·rowStride + q·out} in {@code g}; element {@code 4r + q} of the transform goes to {@code out}
     * values from {@code mOff + (4r + q)·mStride} in {@code m}. Down the columns first, then along the rows.
     */
    void winogradGradientTile(float[] g, int off, int rowStride, int out, float[] m, int mOff, int mStride);

    /**
     * Winograd's F(2x2, 3x3) inverse transform of one tile, {@code Aᵀ·m·A} for each of {@code out} channels, plus the
     * bias (null for none): element {@code i} of {@code m}'s 16 is {@code out} values from {@code mOff + i·mStride};
     * output (r, q) goes to {@code out} values from {@code yOff + r·rowStride + q·out} for {@code r < rows} and
     * {@code q < cols} (1 or 2 each, less at the image's bottom and right edges). {@code m} may be overwritten.
     */
    void winogradOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int rowStride, int rows,
                         int cols);

    /**
     * {@link #winogradOutputs} of a whole 2x2 block, then its 2x2 max pooling: each channel's maximum of the four outputs
     * goes to {@code y} from {@code yOff} and, unless {@code from} is null, its place to the same index of {@code from}:
     * output (r, q)'s index in the convolution's output is {@code place + r·rowStride + q·out} plus the channel. The
     * place is the first of equal maxima, as {@link #maxPool} chooses it, and the values are its.
     */
    void winogradPooledOutputs(float[] m, int mOff, int mStride, int out, float[] bias, int biasOff, float[] y, int yOff, int[] from, int place,
                               int rowStride);

    /**
     * Keras' Adam in place: {@code m += (g - m)(1 - beta1)}, {@code v += (g² - v)(1 - beta2)},
     * {@code var -= alpha · m / (sqrt(v) + epsilon)}, with the bias correction already folded into {@code alpha}.
     * The variable is seen as rows of {@code cols} elements ({@code n} in all), so that large ones can be split
     * over the cores by rows, as the products split them.
     */
    void adam(float[] var, float[] m, float[] v, float[] g, int gOff, int n, int cols, float alpha, float beta1, float beta2, float epsilon);

    /** The number of independent accumulators in {@link #fmaChains}. */
    int FMA_CHAINS = 12;

    /** The float32 lanes one fused multiply-add works on (1 without vectors). */
    int lanes();

    /**
     * {@code iterations} rounds of {@value #FMA_CHAINS} independent fused multiply-adds on registers: the peak
     * arithmetic rate. Returns a value that depends on every round.
     */
    float fmaChains(int iterations);
}
