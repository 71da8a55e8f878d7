package dev.scratchnet.op;

import dev.scratchnet.kernel.Convolution;
import dev.scratchnet.kernel.Gather;
import dev.scratchnet.kernel.Im2Col;
import dev.scratchnet.kernel.Kernels;
import dev.scratchnet.kernel.Pool;
import dev.scratchnet.kernel.PooledConvolution;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.scratchnet.op.Ops.*;

/**
 * The layers' ops, like {@code tf.nn}: convolution and pooling on NHWC images, dropout, batch normalization,
 * clipping and the L2 loss. Four primitives have gradient rules of their own, with their loops in the kernel package:
 * {@link #extractPatches} and {@link #maxPool2d} (whose gradients are scatter-adds, themselves differentiable), and the
 * stride-1 convolution with {@link #conv2dBackpropFilter} (whose gradients are each other). A fifth,
 * {@link #conv2dMaxPool}, is two of them as one op, for speed; its gradients are theirs. Everything else is written with
 * {@link Ops}, so its gradients follow from theirs.
 */
public final class Nn {
    private static final Map<List<Integer>, int[]> MAPS = new ConcurrentHashMap<>();

    private Nn() {
    }

    /** How windows meet the border: VALID keeps only whole windows, SAME pads so that the output is ceil(input / stride). */
    public enum Padding {
        /** Zeros around the border so that the output has {@code ceil(input / stride)} positions, the window centred. */
        SAME,
        /** No padding: only windows that lie wholly inside the input. */
        VALID
    }

    /** The geometry of sliding windows over one [h, w, c] example. */
    private record Windows(int h, int w, int c, int kh, int kw, int sh, int sw, Padding padding, int oh, int ow, int padTop, int padLeft) {
        static Windows of(String op, Shape x, int kh, int kw, int sh, int sw, Padding padding) {
            if (x.rank() != 4 || kh < 1 || kw < 1 || sh < 1 || sw < 1) {
                throw new IllegalArgumentException(op + ": needs an NHWC input and positive window and strides, got " + x
                        + " with window " + kh + "x" + kw + " and strides " + sh + "x" + sw);
            }
            int h = x.dim(1), w = x.dim(2);
            int oh = padding == Padding.SAME ? (h + sh - 1) / sh : Math.max(0, (h - kh + sh) / sh);
            int ow = padding == Padding.SAME ? (w + sw - 1) / sw : Math.max(0, (w - kw + sw) / sw);
            int padH = padding == Padding.SAME ? Math.max((oh - 1) * sh + kh - h, 0) : 0;
            int padW = padding == Padding.SAME ? Math.max((ow - 1) * sw + kw - w, 0) : 0;
            return new Windows(h, w, x.dim(3), kh, kw, sh, sw, padding, oh, ow, padH / 2, padW / 2);
        }

        /** For stride-1 windows: the zero rows below the image they reach (TensorFlow's SAME puts the odd one here). */
        int padBottom() {
            return oh + kh - 1 - h - padTop;
        }

        /** For stride-1 windows: the zero columns right of the image they reach. */
        int padRight() {
            return ow + kw - 1 - w - padLeft;
        }

        int[] map() {
            return MAPS.computeIfAbsent(List.of(h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft),
                    k -> Im2Col.indexMap(h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft));
        }
    }

    /**
     * The {@code kh x kw} windows of an NHWC batch, moved {@code strideH, strideW} at a time, each flattened to
     * (row, column, channel) order: shape [n, oh, ow, kh·kw·c], like {@code tf.image.extract_patches}. Window cells
     * in the padding hold {@code pad}.
     *
     * @param images NHWC images
     * @param kh the window height
     * @param kw the window width
     * @param strideH the vertical step
     * @param strideW the horizontal step
     * @param padding how windows meet the border
     * @param pad the value of padded cells
     * @return the {@code kh x kw} windows of an NHWC batch, moved {@code strideH, strideW} at a time, each flattened to
     */
    public static Tensor extractPatches(Operand images, int kh, int kw, int strideH, int strideW, Padding padding, double pad) {
        Tensor x = read(images);
        requireFloating("extractPatches", x);
        Windows g = Windows.of("extractPatches", x.shape(), kh, kw, strideH, strideW, padding);
        long started = Profiler.start();
        int[] map = g.map();
        int n = x.dim(0), exampleSize = g.h * g.w * g.c;
        Object out;
        if (x.dtype() == DType.FLOAT32) {
            float[] o = StepBuffers.floats(n * map.length);
            Im2Col.gather(x.floats(), x.offset(), n, exampleSize, map, (float) pad, o);
            out = o;
        } else {
            double[] o = new double[n * map.length];
            Im2Col.gather(x.doubles(), x.offset(), n, exampleSize, map, pad, o);
            out = o;
        }
        Tensor y = Tensor.wrap(Shape.of(n, g.oh, g.ow, g.kh * g.kw * g.c), out);
        Profiler.op("extractPatches", started, 0);
        return record("extractPatches", Map.of("kh", kh, "kw", kw, "strideH", strideH, "strideW", strideW, "padding", padding, "pad", pad), y,
                (dy, xs, o, needed) -> new Tensor[] {patchesGrad(dy, xs[0].shape(), g)}, x);
    }

    /** extractPatches' gradient: each window cell's gradient added back to the pixel it came from. */
    private static Tensor patchesGrad(Tensor dPatches, Shape imageShape, Windows g) {
        int[] map = g.map();
        int n = imageShape.dim(0), exampleSize = g.h * g.w * g.c;
        Object out;
        if (dPatches.dtype() == DType.FLOAT32) {
            float[] o = new float[n * exampleSize];
            Im2Col.scatterAdd(dPatches.floats(), dPatches.offset(), n, exampleSize, map, o);
            out = o;
        } else {
            double[] o = new double[n * exampleSize];
            Im2Col.scatterAdd(dPatches.doubles(), dPatches.offset(), n, exampleSize, map, o);
            out = o;
        }
        Tensor dx = Tensor.wrap(imageShape, out);
        return record("extractPatchesGrad", dx, (ddx, xs, o, needed) -> new Tensor[] {
            extractPatches(ddx, g.kh, g.kw, g.sh, g.sw, g.padding, 0)
        }, dPatches);
    }

    /**
     * 2-D convolution of NHWC {@code images} [n, h, w, c] with {@code filters} [kh, kw, c, out], like
     * {@code tf.nn.conv2d}: the windows as rows times the filters as a matrix. With stride 1 it is the convolution
     * with explicit padding below; with larger strides, {@link #extractPatches} and a product.
     *
     * @param images NHWC images
     * @param filters the filters, [kh, kw, c, out]
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @return 2-D convolution of NHWC {@code images} [n, h, w, c] with {@code filters} [kh, kw, c, out]
     */
    public static Tensor conv2d(Operand images, Operand filters, int stride, Padding padding) {
        return conv2d(images, filters, null, stride, padding);
    }

    /**
     * {@link #conv2d(Operand, Operand, int, Padding)} plus a bias per output channel, as a Keras {@code Conv2D}
     * layer computes it: with stride 1 the bias is added to each block of outputs while the convolution has it in
     * the cache, instead of in a pass of its own over the whole output.
     *
     * @param images NHWC images
     * @param filters the filters, [kh, kw, c, out]
     * @param bias the bias, [out], or null for none
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @return the convolution plus the bias, [n, oh, ow, out]
     */
    public static Tensor conv2d(Operand images, Operand filters, Operand bias, int stride, Padding padding) {
        Tensor x = read(images), f = read(filters);
        checkFilters("conv2d", x, f);
        if (stride == 1) {
            Windows g = Windows.of("conv2d", x.shape(), f.dim(0), f.dim(1), 1, 1, padding);
            return conv2d(x, f, bias, g.padTop, g.padBottom(), g.padLeft, g.padRight());
        }
        Tensor patches = extractPatches(x, f.dim(0), f.dim(1), stride, stride, padding, 0);
        int n = patches.dim(0), oh = patches.dim(1), ow = patches.dim(2);
        Tensor product = matmul(reshape(patches, n * oh * ow, f.dim(0) * f.dim(1) * f.dim(2)), reshape(f, -1, f.dim(3)));
        Tensor y = reshape(product, n, oh, ow, f.dim(3));
        return bias == null ? y : add(y, bias);
    }

    /**
     * 2-D convolution with stride 1 and explicit padding, like {@code tf.nn.conv2d} with
     * {@code padding=[[0, 0], [top, bottom], [left, right], [0, 0]]}:
     * {@code out[n, y, x, o] = Σ images[n, y + i − padTop, x + j − padLeft, c] · filters[i, j, c, o]}, the cells
     * outside the image zero, {@code h + padTop + padBottom − kh + 1} rows by {@code w + padLeft + padRight − kw + 1}
     * columns. A negative pad crops.
     *
     * @param images NHWC images, float32 or float64
     * @param filters the filters, [kh, kw, c, out]
     * @param padTop zero rows above the image
     * @param padBottom zero rows below it
     * @param padLeft zero columns left of it
     * @param padRight zero columns right of it
     * @return the convolution, [n, oh, ow, out]
     */
    public static Tensor conv2d(Operand images, Operand filters, int padTop, int padBottom, int padLeft, int padRight) {
        return conv2d(images, filters, null, padTop, padBottom, padLeft, padRight);
    }

    /**
     * The convolution with stride 1 and explicit padding plus a bias per output channel (null for none). A primitive
     * with its own gradient rules: the images' gradient is this convolution of the output's gradient with the
     * filters turned half a turn and their channels swapped, the filters' is {@link #conv2dBackpropFilter}, the
     * bias's the output's gradient summed over the batch and the positions.
     *
     * @param images NHWC images, float32 or float64
     * @param filters the filters, [kh, kw, c, out]
     * @param bias the bias, [out], or null for none
     * @param padTop zero rows above the image
     * @param padBottom zero rows below it
     * @param padLeft zero columns left of it
     * @param padRight zero columns right of it
     * @return the convolution plus the bias, [n, oh, ow, out]
     */
    public static Tensor conv2d(Operand images, Operand filters, Operand bias, int padTop, int padBottom, int padLeft, int padRight) {
        Tensor x = read(images), f = read(filters), b = bias == null ? null : read(bias);
        checkConvolution("conv2d", x, f, b);
        int kh = f.dim(0), kw = f.dim(1), out = f.dim(3);
        Convolution.Geometry g = geometry("conv2d", x.shape(), kh, kw, padTop, padBottom, padLeft, padRight);
        long started = Profiler.start();
        Tensor result = convolve(x, f, b, g, x.dtype() == DType.FLOAT32 ? OutputLoan.floats(g.windows() * out) : null);
        Profiler.op("conv2d", started, 2.0 * g.windows() * g.windowSize() * out);
        GradientRule rule = (dy, in, o, needed) -> new Tensor[] {
            !needed[0] ? null : conv2dBackpropInput(dy, in[1], padTop, padBottom, padLeft, padRight),
            !needed[1] ? null : conv2dBackpropFilter(in[0], dy, kh, kw, padTop, padBottom, padLeft, padRight),
            in.length < 3 || !needed[2] ? null : sum(dy, new int[] {0, 1, 2}, false)
        };
        Map<String, Object> pads = Map.of("padTop", padTop, "padBottom", padBottom, "padLeft", padLeft, "padRight", padRight);
        return b == null ? record("conv2d", pads, result, rule, x, f) : record("conv2d", pads, result, rule, x, f, b);
    }

    /** The convolution's value, not recorded: float32 into {@code floats} (of the output's length), others into a new array. */
    private static Tensor convolve(Tensor x, Tensor f, Tensor b, Convolution.Geometry g, float[] floats) {
        int out = f.dim(3);
        Object y;
        if (x.dtype() == DType.FLOAT32) {
            Convolution.forward(x.floats(), x.offset(), g, f.floats(), f.offset(), b == null ? null : b.floats(), b == null ? 0 : b.offset(), out,
                    floats);
            y = floats;
        } else {
            double[] o = new double[g.windows() * out];
            Convolution.forward(x.doubles(), x.offset(), g, f.doubles(), f.offset(), b == null ? null : b.toDoubleArray(), out, o);
            y = o;
        }
        return Tensor.wrap(Shape.of(g.n(), g.oh(), g.ow(), out), y);
    }

    /**
     * {@link #conv2d(Operand, Operand, Operand, int, int, int, int)} followed by {@link #maxPool2d} over {@code size x
     * size} windows {@code size} apart (VALID), as one op: a convolution layer and its pooling, as {@link
     * dev.scratchnet.layers.Sequential} runs them (TensorFlow's graph optimizer fuses such chains in the same spirit).
     * The same values and gradients as the two ops one after the other. For 2x2 pooling in float32, where the
     * convolution's windows hold few values (a first layer's) or it takes Winograd's way (3x3 filters between 16 channels
     * or more), each pooling window's four outputs are computed and compared in the cache and the full-size output is
     * never written ({@link PooledConvolution}); for few values in a window, nor is its gradient routed back for the
     * filters'. Otherwise the two ops' kernels run in turn.
     *
     * @param images NHWC images, float32 or float64
     * @param filters the filters, [kh, kw, c, out]
     * @param bias the bias, [out], or null for none
     * @param padTop zero rows above the image
     * @param padBottom zero rows below it
     * @param padLeft zero columns left of it
     * @param padRight zero columns right of it
     * @param size the pooling windows' side and step
     * @return the pooled convolution plus the bias, [n, oh / size, ow / size, out]
     */
    public static Tensor conv2dMaxPool(Operand images, Operand filters, Operand bias, int padTop, int padBottom, int padLeft, int padRight,
                                       int size) {
        Tensor x = read(images), f = read(filters), b = bias == null ? null : read(bias);
        checkConvolution("conv2dMaxPool", x, f, b);
        int kh = f.dim(0), kw = f.dim(1), out = f.dim(3);
        Convolution.Geometry g = geometry("conv2dMaxPool", x.shape(), kh, kw, padTop, padBottom, padLeft, padRight);
        Shape convolved = Shape.of(g.n(), g.oh(), g.ow(), out);
        Windows pooling = Windows.of("conv2dMaxPool", convolved, size, size, size, size, Padding.VALID);
        if (pooling.oh < 1 || pooling.ow < 1) {
            throw new IllegalArgumentException("conv2dMaxPool: " + size + "x" + size + " pooling windows do not fit the convolution's " + g.oh() + "x"
                    + g.ow() + " outputs");
        }
        boolean fused = x.dtype() == DType.FLOAT32 && PooledConvolution.applies(g, out, size);
        boolean fusedFilterGradient = fused && PooledConvolution.hasFilterGradient(g, out, size);
        long started = Profiler.start();
        int pooled = g.n() * pooling.oh * pooling.ow * out;
        // As in maxPool2d: the winners' places route the gradient back, and nothing asks for it when nothing records.
        int[] from = !Recording.active().isEmpty() || x.dtype() != DType.FLOAT32 ? StepBuffers.ints(pooled) : null;
        Tensor y;
        if (fused) {
            float[] o = StepBuffers.floats(pooled);
            PooledConvolution.forward(x.floats(), x.offset(), g, f.floats(), f.offset(), b == null ? null : b.floats(), b == null ? 0 : b.offset(), out,
                    o, from);
            y = Tensor.wrap(Shape.of(g.n(), pooling.oh, pooling.ow, out), o);
        } else {
            y = maxPoolValues(convolve(x, f, b, g, x.dtype() == DType.FLOAT32 ? StepBuffers.floats(convolved.size()) : null), pooling, from);
        }
        Profiler.op("conv2dMaxPool", started, 2.0 * g.windows() * g.windowSize() * out);
        GradientRule rule = (dy, in, o, needed) -> {
            Tensor routed = needed[0] || needed[1] && !fusedFilterGradient ? routeBack(dy, from, convolved, pooling) : null;
            return new Tensor[] {
                !needed[0] ? null : conv2dBackpropInput(routed, in[1], padTop, padBottom, padLeft, padRight),
                !needed[1] ? null : fusedFilterGradient ? pooledFilterGradient(in[0], dy, from, g, pooling, padTop, padBottom, padLeft, padRight)
                        : conv2dBackpropFilter(in[0], routed, kh, kw, padTop, padBottom, padLeft, padRight),
                in.length < 3 || !needed[2] ? null : sum(dy, new int[] {0, 1, 2}, false)
            };
        };
        Map<String, Object> attributes = Map.of("padTop", padTop, "padBottom", padBottom, "padLeft", padLeft, "padRight", padRight, "size", size);
        return b == null ? record("conv2dMaxPool", attributes, y, rule, x, f) : record("conv2dMaxPool", attributes, y, rule, x, f, b);
    }

    /**
     * {@link #conv2dMaxPool(Operand, Operand, Operand, int, int, int, int, int)} with stride 1 and the padding of
     * {@link #conv2d(Operand, Operand, Operand, int, Padding)}.
     *
     * @param images NHWC images, float32 or float64
     * @param filters the filters, [kh, kw, c, out]
     * @param bias the bias, [out], or null for none
     * @param padding how the convolution's windows meet the border
     * @param size the pooling windows' side and step
     * @return the pooled convolution plus the bias
     */
    public static Tensor conv2dMaxPool(Operand images, Operand filters, Operand bias, Padding padding, int size) {
        Tensor x = read(images), f = read(filters);
        checkFilters("conv2dMaxPool", x, f);
        Windows g = Windows.of("conv2dMaxPool", x.shape(), f.dim(0), f.dim(1), 1, 1, padding);
        return conv2dMaxPool(x, f, bias, g.padTop, g.padBottom(), g.padLeft, g.padRight(), size);
    }

    /**
     * The filters' gradient of a fused {@link #conv2dMaxPool} from the pooled gradient and the winners' places. Its own
     * gradients are those of {@link #conv2dBackpropFilter} of the gradient routed back to the winners.
     */
    private static Tensor pooledFilterGradient(Tensor x, Tensor dy, int[] from, Convolution.Geometry g, Windows pooling, int padTop, int padBottom,
                                               int padLeft, int padRight) {
        int out = dy.dim(3);
        long started = Profiler.start();
        float[] df = OutputLoan.floats(g.windowSize() * out);
        PooledConvolution.filterGradient(x.floats(), x.offset(), g, dy.floats(), dy.offset(), from, out, df);
        Profiler.op("conv2dMaxPoolBackpropFilter", started, 2.0 * g.windows() * g.windowSize() * out);
        Shape convolved = Shape.of(g.n(), g.oh(), g.ow(), out);
        return record("conv2dMaxPoolBackpropFilter", Tensor.wrap(Shape.of(g.kh(), g.kw(), g.c(), out), df), (ddf, in, o, needed) -> new Tensor[] {
            !needed[0] ? null : conv2dBackpropInput(routeBack(in[1], from, convolved, pooling), ddf, padTop, padBottom, padLeft, padRight),
            !needed[1] ? null : reshape(gather(reshape(conv2d(in[0], ddf, padTop, padBottom, padLeft, padRight), -1), Tensor.of(from), 0),
                    in[1].shape().dims())
        }, x, dy);
    }

    /**
     * The gradient of {@link #conv2d(Operand, Operand, Operand, int, int, int, int)} with respect to its filters, like
     * {@code tf.nn.conv2d_backprop_filter}: {@code df[i, j, c, o] = Σ images[n, y + i − padTop, x + j − padLeft, c] ·
     * gradient[n, y, x, o]}, as the windows' transpose times the gradient. Differentiable: its own gradients are
     * convolutions.
     *
     * @param images the convolution's NHWC images
     * @param gradient the gradient of its output, [n, oh, ow, out]
     * @param kh the filters' height
     * @param kw the filters' width
     * @param padTop zero rows above the image
     * @param padBottom zero rows below it
     * @param padLeft zero columns left of it
     * @param padRight zero columns right of it
     * @return the filters' gradient, [kh, kw, c, out]
     */
    public static Tensor conv2dBackpropFilter(Operand images, Operand gradient, int kh, int kw, int padTop, int padBottom, int padLeft,
                                              int padRight) {
        Tensor x = read(images), dy = read(gradient);
        sameDType("conv2dBackpropFilter", x, dy);
        requireFloating("conv2dBackpropFilter", x);
        Convolution.Geometry g = geometry("conv2dBackpropFilter", x.shape(), kh, kw, padTop, padBottom, padLeft, padRight);
        if (dy.rank() != 4 || dy.dim(0) != g.n() || dy.dim(1) != g.oh() || dy.dim(2) != g.ow()) {
            throw new IllegalArgumentException("conv2dBackpropFilter: the gradient " + dy.shape() + " is not that of a convolution of "
                    + x.shape() + " with " + kh + "x" + kw + " filters, which gives [" + g.n() + ", " + g.oh() + ", " + g.ow() + ", out]");
        }
        int out = dy.dim(3);
        long started = Profiler.start();
        Object df;
        if (x.dtype() == DType.FLOAT32) {
            float[] o = OutputLoan.floats(g.windowSize() * out);
            Convolution.filterGradient(x.floats(), x.offset(), g, dy.floats(), dy.offset(), out, o);
            df = o;
        } else {
            double[] o = new double[g.windowSize() * out];
            Convolution.filterGradient(x.doubles(), x.offset(), g, dy.doubles(), dy.offset(), out, o);
            df = o;
        }
        Profiler.op("conv2dBackpropFilter", started, 2.0 * g.windows() * g.windowSize() * out);
        return record("conv2dBackpropFilter", Map.of("kh", kh, "kw", kw, "padTop", padTop, "padBottom", padBottom, "padLeft", padLeft,
                "padRight", padRight), Tensor.wrap(Shape.of(kh, kw, g.c(), out), df), (ddf, in, o, needed) -> new Tensor[] {
                    !needed[0] ? null : conv2dBackpropInput(in[1], ddf, padTop, padBottom, padLeft, padRight),
                    !needed[1] ? null : conv2d(in[0], ddf, padTop, padBottom, padLeft, padRight)
                }, x, dy);
    }

    /**
     * The gradient of {@link #conv2d(Operand, Operand, Operand, int, int, int, int)} with respect to its images, like
     * {@code tf.nn.conv2d_backprop_input} for stride 1, where the images' size follows from the gradient's, the filters'
     * and the pads: the gradient convolved with the filters turned half a turn, their in and out channels swapped, padded
     * by what the forward pass's windows left out. Differentiable, as it is made of differentiable ops.
     *
     * @param gradient the gradient of the convolution's output, [n, oh, ow, out]
     * @param filters the convolution's filters, [kh, kw, c, out]
     * @param padTop zero rows the convolution added above the images (negative: rows it cropped)
     * @param padBottom zero rows below them
     * @param padLeft zero columns left of them
     * @param padRight zero columns right of them
     * @return the images' gradient, [n, oh + kh − 1 − padTop − padBottom, ow + kw − 1 − padLeft − padRight, c]
     */
    public static Tensor conv2dBackpropInput(Operand gradient, Operand filters, int padTop, int padBottom, int padLeft, int padRight) {
        Tensor dy = read(gradient), f = read(filters);
        if (dy.rank() != 4 || f.rank() != 4 || f.dim(3) != dy.dim(3)) {
            throw new IllegalArgumentException("conv2dBackpropInput: the gradient " + dy.shape() + " ([n, oh, ow, out]) and filters " + f.shape()
                    + " ([kh, kw, in, out]) do not fit");
        }
        int kh = f.dim(0), kw = f.dim(1);
        Tensor turned = gather(gather(f, Tensor.range(kh - 1, -1, -1, DType.INT32), 0), Tensor.range(kw - 1, -1, -1, DType.INT32), 1);
        return conv2d(dy, transpose(turned, 0, 1, 3, 2), kh - 1 - padTop, kh - 1 - padBottom, kw - 1 - padLeft, kw - 1 - padRight);
    }

    private static void checkConvolution(String op, Tensor x, Tensor f, Tensor b) {
        checkFilters(op, x, f);
        sameDType(op, x, f);
        requireFloating(op, x);
        if (b != null) {
            sameDType(op, x, b);
            if (b.rank() != 1 || b.dim(0) != f.dim(3)) {
                throw new IllegalArgumentException(op + ": the bias " + b.shape() + " does not fit filters " + f.shape() + " (one value per output, ["
                        + f.dim(3) + "])");
            }
        }
    }

    private static void checkFilters(String op, Tensor x, Tensor f) {
        if (f.rank() != 4 || x.rank() != 4 || f.dim(2) != x.dim(3)) {
            throw new IllegalArgumentException(op + ": images " + x.shape() + " (NHWC) and filters " + f.shape()
                    + " ([kh, kw, in, out]) do not fit");
        }
    }

    private static void requireFloating(String op, Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": expects float images, got " + x.dtype() + x.shape());
        }
    }

    private static Convolution.Geometry geometry(String op, Shape x, int kh, int kw, int padTop, int padBottom, int padLeft, int padRight) {
        if (x.rank() != 4 || kh < 1 || kw < 1) {
            throw new IllegalArgumentException(op + ": needs NHWC images and a positive window, got " + x + " with window " + kh + "x" + kw);
        }
        long oh = (long) x.dim(1) + padTop + padBottom - kh + 1, ow = (long) x.dim(2) + padLeft + padRight - kw + 1;
        if (oh < 1 || ow < 1 || oh * ow * x.dim(0) > Integer.MAX_VALUE / Math.max(1, kh * kw * x.dim(3))) {
            throw new IllegalArgumentException(op + ": images " + x + " with " + kh + "x" + kw + " windows and pads (top " + padTop + ", bottom "
                    + padBottom + ", left " + padLeft + ", right " + padRight + ") give " + oh + "x" + ow + " outputs");
        }
        return new Convolution.Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kh, kw, padTop, padLeft, (int) oh, (int) ow);
    }

    /**
     * The maximum of each {@code size x size} window, moved {@code stride} at a time, like {@code tf.nn.max_pool2d}:
     * padding never wins, and the gradient goes to the first maximum of each window, as in TensorFlow (a NaN wins,
     * and +0 wins over an earlier −0).
     *
     * @param images NHWC images
     * @param size the window size
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @return the maximum of each {@code size x size} window, moved {@code stride} at a time
     */
    public static Tensor maxPool2d(Operand images, int size, int stride, Padding padding) {
        Tensor x = read(images);
        Windows g = Windows.of("maxPool2d", x.shape(), size, size, stride, stride, padding);
        long started = Profiler.start();
        int outSize = x.dim(0) * g.oh * g.ow * g.c;
        // Where each maximum came from routes the gradient back; when nothing records the op, nothing will ask for it.
        boolean recorded = !Recording.active().isEmpty();
        int[] from = recorded || padding != Padding.VALID || x.dtype() != DType.FLOAT32 ? StepBuffers.ints(outSize) : null;
        Tensor y = maxPoolValues(x, g, from);
        Profiler.op("maxPool2d", started, 0);
        return record("maxPool2d", Map.of("size", size, "stride", stride, "padding", padding), y,
                (dy, xs, o, needed) -> new Tensor[] {routeBack(dy, from, xs[0].shape(), padding == Padding.VALID && stride == size ? g : null)}, x);
    }

    /**
     * Each window's maximum, not recorded, and where it came from into {@code from} (null for none, float32 VALID
     * windows only). SAME pads less than a window on each side, so every window holds a cell of the image and has a
     * winner.
     */
    private static Tensor maxPoolValues(Tensor x, Windows g, int[] from) {
        int n = x.dim(0), exampleSize = g.h * g.w * g.c, outSize = n * g.oh * g.ow * g.c, size = g.kh;
        Object out;
        if (x.dtype() == DType.FLOAT32) {
            float[] in = x.floats(), o = StepBuffers.floats(outSize);
            int off = x.offset();
            if (g.padding == Padding.VALID) {
                Kernels.loops().maxPool(in, off, n, g.h, g.w, g.c, size, g.sh, g.oh, g.ow, from, o);
            } else {
                Pool.argmax(n, exampleSize, g.map(), size * size, g.c, (a, b) -> Pool.takes(in[off + b], in[off + a]), from);
                Gather.gather(in, off, from, o);
            }
            out = o;
        } else {
            double[] in = x.toDoubleArray(), o = new double[outSize];
            Pool.argmax(n, exampleSize, g.map(), size * size, g.c, (a, b) -> Pool.takes(in[b], in[a]), from);
            Gather.gather(in, 0, from, o);
            out = Storage.convert(o, 0, outSize, x.dtype());
        }
        return Tensor.wrap(Shape.of(n, g.oh, g.ow, g.c), out);
    }

    /**
     * maxPool2d's gradient: each output's gradient added to the input cell it came from. Windows side by side
     * ({@code apart} their geometry, else null) write each cell once instead.
     */
    private static Tensor routeBack(Tensor dy, int[] from, Shape inputShape, Windows apart) {
        Object out;
        if (dy.dtype() == DType.FLOAT32) {
            float[] dx = StepBuffers.floats(inputShape.size());
            if (apart != null) {
                Kernels.loops().maxPoolGradient(dy.floats(), dy.offset(), from, inputShape.dim(0), apart.h, apart.w, apart.c, apart.kh, apart.oh,
                        apart.ow, dx);
            } else {
                Pool.maxGradient(dy.floats(), dy.offset(), inputShape.dim(0), from, dx);
            }
            out = dx;
        } else {
            double[] dx = new double[inputShape.size()];
            Pool.maxGradient(dy.toDoubleArray(), from, dx);
            out = Storage.convert(dx, 0, dx.length, dy.dtype());
        }
        return record("maxPool2dGrad", Tensor.wrap(inputShape, out), (ddx, xs, o, needed) -> new Tensor[] {
            reshape(gather(reshape(ddx, -1), Tensor.of(from), 0), xs[0].shape().dims())
        }, dy);
    }

    /**
     * The mean of each {@code size x size} window; with SAME padding, of the cells inside the image, as TensorFlow does.
     *
     * @param images NHWC images
     * @param size the window size
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @return the mean of each {@code size x size} window
     */
    public static Tensor avgPool2d(Operand images, int size, int stride, Padding padding) {
        Tensor x = read(images);
        Tensor patches = extractPatches(x, size, size, stride, stride, padding, 0);
        Tensor sums = sum(reshape(patches, patches.dim(0), patches.dim(1), patches.dim(2), size * size, x.dim(3)), 3);
        Windows g = Windows.of("avgPool2d", x.shape(), size, size, stride, stride, padding);
        int[] map = g.map();
        double[] counts = new double[g.oh * g.ow];
        for (int i = 0; i < map.length; i += g.c) {
            counts[i / (size * size * g.c)] += map[i] >= 0 ? 1 : 0;
        }
        return div(sums, cast(Tensor.of(counts, 1, g.oh, g.ow, 1), x.dtype()));
    }

    /**
     * {@code [n, ...]} as {@code [n, rest]}.
     *
     * @param x the input
     * @return {@code [n, ...]} as {@code [n, rest]}
     */
    public static Tensor flatten(Operand x) {
        Tensor in = read(x);
        return reshape(in, in.dim(0), in.shape().rowSize());
    }

    /**
     * Dropout: in training, each element is zeroed with probability {@code rate} and the rest scaled by
     * {@code 1 / (1 - rate)}, from the seeded {@code random}; outside training, {@code x} unchanged. As in
     * {@code tf.nn.dropout}, a kept element is {@code x · scale}, the scale rounded to x's type: one product with a mask
     * of 0s and scales.
     *
     * @param x the input
     * @param rate the fraction of elements dropped
     * @param random the seeded source of the initial values
     * @param training whether the model is training (dropout on)
     * @return {@code x} with dropout applied in training, else {@code x} itself
     */
    public static Tensor dropout(Operand x, double rate, Generator random, boolean training) {
        Tensor in = read(x);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        if (!training || rate == 0) {
            return in;
        }
        return mul(in, kept(in.shape(), in.dtype(), rate, random));
    }

    /**
     * {@code 1 / (1 - rate)} where a uniform value on [0, 1) from {@code random}, in {@code dtype}, is at least
     * {@code rate}, else 0: which elements dropout keeps, the values {@code random.uniform} would have given compared one
     * by one, and their scale.
     */
    private static Tensor kept(Shape shape, DType dtype, double rate, Generator random) {
        int n = shape.size();
        if (dtype == DType.FLOAT32) {
            float[] keep = StepBuffers.floats(n);
            random.atLeast(rate, (float) (1 / (1 - rate)), keep);
            return Tensor.wrap(shape, keep);
        }
        double[] keep = new double[n];
        random.atLeast(rate, 1 / (1 - rate), keep);
        return Tensor.wrap(shape, keep);
    }

    /**
     * {@code (x - mean) / sqrt(variance + epsilon) · scale + offset}, like {@code tf.nn.batch_normalization}.
     *
     * @param x the input
     * @param mean the mean
     * @param variance the variance
     * @param offset added after scaling (beta)
     * @param scale the factor (gamma)
     * @param epsilon added to the denominator for stability
     * @return {@code (x - mean) / sqrt(variance + epsilon) · scale + offset}
     */
    public static Tensor batchNormalization(Operand x, Operand mean, Operand variance, Operand offset, Operand scale, double epsilon) {
        Tensor normalized = div(sub(x, mean), sqrt(add(variance, scalarLike(variance, epsilon))));
        return add(mul(normalized, scale), offset);
    }

    /**
     * {@code sum(x²) / 2}, like {@code tf.nn.l2_loss}.
     *
     * @param x the input
     * @return {@code sum(x²) / 2}, like {@code tf.nn.l2_loss}
     */
    public static Tensor l2Loss(Operand x) {
        return sum(square(x)).div(2);
    }

    /**
     * {@code x} limited to {@code [min, max]}; the gradient passes where it was not clipped.
     *
     * @param x the input
     * @param min the lower bound
     * @param max the upper bound
     * @return {@code x} limited to {@code [min, max]}
     */
    public static Tensor clipByValue(Operand x, double min, double max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("clipByValue: min " + min + " is above max " + max);
        }
        return minimum(maximum(x, scalarLike(x, min)), scalarLike(x, max));
    }

    /**
     * The square root of the sum of squares of all the tensors together.
     *
     * @param tensors the tensors
     * @return the square root of the sum of squares of all the tensors together
     */
    public static Tensor globalNorm(List<? extends Operand> tensors) {
        Tensor total = null;
        for (Operand t : tensors) {
            if (t != null) {
                Tensor s = sum(square(t));
                total = total == null ? s : add(total, cast(s, total.dtype()));
            }
        }
        return total == null ? Tensor.scalar(0f) : sqrt(total);
    }

    /**
     * The tensors scaled together by {@code clipNorm / max(globalNorm, clipNorm)}, so that their global norm is at
     * most {@code clipNorm}, like {@code tf.clip_by_global_norm} (null entries stay null). Differentiable.
     *
     * @param tensors the tensors
     * @param clipNorm the largest global norm
     * @return the tensors scaled together by {@code clipNorm / max(globalNorm, clipNorm)}, so that their global norm is at most {@code clipNorm}
     */
    public static List<Tensor> clipByGlobalNorm(List<? extends Operand> tensors, double clipNorm) {
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clipByGlobalNorm: the norm must be positive, got " + clipNorm);
        }
        Tensor norm = globalNorm(tensors);
        Tensor scale = div(scalarLike(norm, clipNorm), maximum(norm, scalarLike(norm, clipNorm)));
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (Operand t : tensors) {
            out.add(t == null ? null : mul(t, cast(scale, t.dtype())));
        }
        return out;
    }
}
