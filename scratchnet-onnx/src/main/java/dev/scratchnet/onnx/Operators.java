package dev.scratchnet.onnx;

import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Operand;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.scratchnet.op.Ops.add;
import static dev.scratchnet.op.Ops.mul;
import static dev.scratchnet.op.Ops.reshape;
import static dev.scratchnet.op.Ops.scalarLike;
import static dev.scratchnet.onnx.Transposes.transpose;

/**
 * The ONNX operators scratchnet runs: one table from an operator's name to its implementation, each written with the
 * engine's public ops, so that a gradient tape differentiates through every one of them. Images are NCHW in ONNX and
 * NHWC in scratchnet's {@code Nn}: convolutions and pooling transpose on the way in and out.
 */
final class Operators {
    /** An operator: the node's outputs from its inputs (null where an optional input is left out). */
    @FunctionalInterface
    interface Operator {
        Tensor[] apply(Node node, Operand[] in);
    }

    /** An attribute value or an input that scratchnet does not support; the model names the node. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private static final Map<String, Operator> TABLE = new LinkedHashMap<>();

    static {
        one("Identity", (n, x) -> x[0].value());
        TABLE.put("Dropout", (n, x) -> n.outputs().size() > 1
                ? new Tensor[] {x[0].value(), Tensor.fill(DType.BOOL, 1, x[0].shape().dims())} : new Tensor[] {x[0].value()});
        one("Add", (n, x) -> add(x[0], x[1]));
        one("Sub", (n, x) -> Ops.sub(x[0], x[1]));
        one("Mul", (n, x) -> mul(x[0], x[1]));
        one("Div", (n, x) -> x[0].dtype().isFloating() ? Ops.div(x[0], x[1]) : integerDivision(x[0].value(), x[1].value()));
        one("Pow", (n, x) -> Ops.pow(x[0], x[1]));
        one("Max", (n, x) -> fold(x, Ops::maximum));
        one("Min", (n, x) -> fold(x, Ops::minimum));
        one("ReduceSum", (n, x) -> reduce(n, x[0], x.length > 1 && x[1] != null ? longs(x[1]) : null, Ops::sum));
        one("ReduceMean", (n, x) -> reduce(n, x[0], n.ints("axes", null), Ops::mean));
        one("ReduceMax", (n, x) -> reduce(n, x[0], n.ints("axes", null), Ops::max));
        one("Neg", (n, x) -> Ops.neg(x[0]));
        one("Exp", (n, x) -> Ops.exp(x[0]));
        one("Log", (n, x) -> Ops.log(x[0]));
        one("Sqrt", (n, x) -> Ops.sqrt(x[0]));
        one("Relu", (n, x) -> Ops.relu(x[0]));
        one("LeakyRelu", (n, x) -> Ops.sub(Ops.relu(x[0]), mul(Ops.relu(Ops.neg(x[0])), scalarLike(x[0], n.f("alpha", 0.01f)))));
        one("Sigmoid", (n, x) -> Ops.sigmoid(x[0]));
        one("Tanh", (n, x) -> Ops.tanh(x[0]));
        one("Softmax", (n, x) -> Ops.softmax(lastAxisOnly(n, x[0])));
        one("LogSoftmax", (n, x) -> Ops.logSoftmax(lastAxisOnly(n, x[0])));
        one("MatMul", (n, x) -> matmul(x[0], x[1]));
        one("Gemm", Operators::gemm);
        one("Conv", Operators::conv);
        one("MaxPool", (n, x) -> pool(n, x[0], true));
        one("AveragePool", (n, x) -> pool(n, x[0], false));
        one("GlobalAveragePool", (n, x) -> Ops.mean(x[0], new int[] {2, 3}, true));
        one("Pad", Operators::pad);
        one("BatchNormalization", Operators::batchNormalization);
        one("Flatten", Operators::flatten);
        one("Reshape", Operators::reshapeTo);
        one("Transpose", (n, x) -> transpose(x[0], toInts(n.ints("perm", reversed(x[0].shape().rank())))));
        one("Squeeze", Operators::squeeze);
        one("Unsqueeze", Operators::unsqueeze);
        one("Concat", (n, x) -> Ops.concat(Arrays.asList(x), (int) n.i("axis", 0)));
        one("Constant", Operators::constant);
        one("Cast", Operators::cast);
        one("Shape", Operators::shape);
        one("Gather", Operators::gather);
        one("Slice", Operators::slice);
        one("ConstantOfShape", Operators::constantOfShape);
    }

    private Operators() {
    }

    private interface OneOutput {
        Tensor apply(Node node, Operand[] in);
    }

    private static void one(String op, OneOutput f) {
        TABLE.put(op, (n, x) -> new Tensor[] {f.apply(n, x)});
    }

    /** The implementation of {@code opType}, or null. */
    static Operator get(String opType) {
        return TABLE.get(opType);
    }

    /** Every supported operator's name, sorted. */
    static Set<String> supported() {
        return new TreeSet<>(TABLE.keySet());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new Unsupported(message);
        }
    }

    private static int[] toInts(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    private static long[] reversed(int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = rank - 1 - i;
        }
        return perm;
    }

    /** The values of a small integer tensor (a shape, axes or pads given as an input). */
    private static long[] longs(Operand x) {
        return x.value().toLongArray();
    }

    private interface Reduction {
        Tensor apply(Operand x, int[] axes, boolean keepDims);
    }

    /** A reduction over {@code axes} (every axis when none are given). */
    private static Tensor reduce(Node n, Operand x, long[] axes, Reduction f) {
        int rank = x.shape().rank();
        require(axes != null || n.i("noop_with_empty_axes", 0) == 0, "noop_with_empty_axes 1; supported: 0");
        int[] ax = axes == null ? java.util.stream.IntStream.range(0, rank).toArray() : toInts(axes);
        return f.apply(x, ax, n.i("keepdims", 1) != 0);
    }

    /** A variadic element-wise op over every input, left to right. */
    private static Tensor fold(Operand[] x, java.util.function.BinaryOperator<Operand> f) {
        Operand acc = x[0];
        for (int i = 1; i < x.length; i++) {
            acc = f.apply(acc, x[i]);
        }
        return acc.value();
    }

    private static Operand lastAxisOnly(Node n, Operand x) {
        int rank = x.shape().rank();
        long axis = n.i("axis", -1);
        require(axis == -1 || axis == rank - 1, "axis " + axis + " of a rank-" + rank + " input; supported: the last axis");
        return x;
    }

    /** ONNX's integer Div truncates, as C does; only shapes take this path, so it needs no gradient. */
    private static Tensor integerDivision(Tensor a, Tensor b) {
        int[] dims = dev.scratchnet.tensor.Shape.broadcast(a.shape(), b.shape()).dims();
        long[] x = Ops.broadcastTo(a, dims).toLongArray(), y = Ops.broadcastTo(b, dims).toLongArray();
        long[] q = new long[x.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = x[i] / y[i];
        }
        return Tensor.fromArray(Storage.convert(q, 0, q.length, a.dtype()), dev.scratchnet.tensor.Shape.of(dims));
    }

    private static Tensor matmul(Operand a, Operand b) {
        if (a.shape().rank() == 1 || b.shape().rank() == 1) {
            boolean vectorA = a.shape().rank() == 1, vectorB = b.shape().rank() == 1;
            Tensor product = Ops.matmul(vectorA ? reshape(a, 1, -1) : a, vectorB ? reshape(b, -1, 1) : b);
            int[] dims = product.shape().dims();
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < dims.length; i++) {
                if (!(vectorA && i == dims.length - 2) && !(vectorB && i == dims.length - 1)) {
                    kept.add(dims[i]);
                }
            }
            return reshape(product, kept.stream().mapToInt(Integer::intValue).toArray());
        }
        return Ops.matmul(a, b);
    }

    private static Tensor gemm(Node n, Operand[] x) {
        Tensor y = Ops.matmul(x[0], x[1], n.i("transA", 0) != 0, n.i("transB", 0) != 0);
        float alpha = n.f("alpha", 1), beta = n.f("beta", 1);
        if (alpha != 1) {
            y = mul(y, scalarLike(y, alpha));
        }
        if (x.length > 2 && x[2] != null) {
            y = add(y, beta == 1 ? x[2] : mul(x[2], scalarLike(x[2], beta)));
        }
        return y;
    }

    /** The padding on each side of the two spatial axes: top, left, bottom, right, as ONNX orders {@code pads}. */
    private static long[] spatialPads(Node n, int h, int w, long[] kernel, long[] strides) {
        String autoPad = n.s("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> {
                long[] pads = n.ints("pads", new long[4]);
                require(pads.length == 4, "pads " + Arrays.toString(pads) + "; supported: 4 values for 2-D images");
                return pads;
            }
            case "VALID" -> {
                return new long[4];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                long[] pads = sameUpper(h, w, kernel, strides);
                if (autoPad.equals("SAME_LOWER")) {
                    return new long[] {pads[2], pads[3], pads[0], pads[1]};
                }
                return pads;
            }
            default -> throw new Unsupported("auto_pad " + autoPad + "; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
    }

    /** The pads (top, left, bottom, right) of TensorFlow's SAME rule, ONNX's SAME_UPPER. */
    private static long[] sameUpper(int h, int w, long[] kernel, long[] strides) {
        long[] pads = new long[4];
        int[] size = {h, w};
        for (int i = 0; i < 2; i++) {
            long out = (size[i] + strides[i] - 1) / strides[i];
            long total = Math.max(0, (out - 1) * strides[i] + kernel[i] - size[i]);
            pads[i] = total / 2;
            pads[i + 2] = total - total / 2;
        }
        return pads;
    }

    private static void requireOnes(Node n, String attribute) {
        long[] values = n.ints(attribute, new long[] {1, 1});
        require(Arrays.stream(values).allMatch(v -> v == 1), attribute + " " + Arrays.toString(values) + "; supported: all 1");
    }

    /** NCHW to NHWC, padded with {@code value} as {@code pads} (top, left, bottom, right) say. */
    private static Tensor toPaddedNhwc(Operand x, long[] pads, double value) {
        Tensor nhwc = transpose(x, 0, 2, 3, 1);
        return padAxes(nhwc, new int[] {1, 2}, new long[] {pads[0], pads[1]}, new long[] {pads[2], pads[3]}, value);
    }

    private static Tensor conv(Node n, Operand[] x) {
        require(x[0].shape().rank() == 4, "input of rank " + x[0].shape().rank() + "; supported: 2-D convolutions of NCHW images");
        require(n.i("group", 1) == 1, "group " + n.i("group", 1) + "; supported: 1");
        requireOnes(n, "dilations");
        int[] w = x[1].shape().dims();
        long[] kernel = n.ints("kernel_shape", new long[] {w[2], w[3]});
        long[] strides = n.ints("strides", new long[] {1, 1});
        require(kernel.length == 2 && kernel[0] == w[2] && kernel[1] == w[3], "kernel_shape " + Arrays.toString(kernel) + " does not fit weights " + Arrays.toString(w));
        long[] pads = spatialPads(n, x[0].shape().dim(2), x[0].shape().dim(3), kernel, strides);
        if (strides[0] == 1 && strides[1] == 1) {
            Operand bias = x.length > 2 ? x[2] : null;
            Tensor y = Nn.conv2d(transpose(x[0], 0, 2, 3, 1), transpose(x[1], 2, 3, 1, 0), bias, (int) pads[0], (int) pads[2], (int) pads[1],
                    (int) pads[3]);
            return transpose(y, 0, 3, 1, 2);
        }
        // Pads that TensorFlow's SAME rule gives (PyTorch's padding=1 for a 3x3 kernel, say) need no padded copy.
        boolean same = Arrays.equals(pads, sameUpper(x[0].shape().dim(2), x[0].shape().dim(3), kernel, strides));
        Tensor patches = Nn.extractPatches(same ? transpose(x[0], 0, 2, 3, 1) : toPaddedNhwc(x[0], pads, 0), w[2], w[3], (int) strides[0],
                (int) strides[1], same ? Nn.Padding.SAME : Nn.Padding.VALID, 0);
        // ONNX weights [out, in, kh, kw] as the patches' (row, column, channel) order: [kh·kw·in, out]
        Tensor filters = reshape(transpose(x[1], 2, 3, 1, 0), w[2] * w[3] * w[1], w[0]);
        Tensor y = Ops.matmul(patches, filters);
        if (x.length > 2 && x[2] != null) {
            y = add(y, x[2]);
        }
        return transpose(y, 0, 3, 1, 2);
    }

    private static Tensor pool(Node n, Operand x, boolean max) {
        require(x.shape().rank() == 4, "input of rank " + x.shape().rank() + "; supported: 2-D pooling of NCHW images");
        require(n.i("ceil_mode", 0) == 0, "ceil_mode 1; supported: 0");
        requireOnes(n, "dilations");
        require(n.outputs().size() == 1, "the Indices output; supported: the pooled values alone");
        long[] kernel = n.ints("kernel_shape", null);
        require(kernel != null && kernel.length == 2, "kernel_shape " + Arrays.toString(kernel) + "; supported: two values");
        long[] strides = n.ints("strides", new long[] {1, 1});
        long[] pads = spatialPads(n, x.shape().dim(2), x.shape().dim(3), kernel, strides);
        int kh = (int) kernel[0], kw = (int) kernel[1], sh = (int) strides[0], sw = (int) strides[1];
        boolean unpadded = Arrays.stream(pads).allMatch(p -> p == 0);
        Tensor nhwc;
        if (unpadded && kh == kw && sh == sw) {
            Tensor in = transpose(x, 0, 2, 3, 1);
            nhwc = max ? Nn.maxPool2d(in, kh, sh, Nn.Padding.VALID) : Nn.avgPool2d(in, kh, sh, Nn.Padding.VALID);
        } else if (max) {
            nhwc = windowReduce(toPaddedNhwc(x, pads, Double.NEGATIVE_INFINITY), kh, kw, sh, sw, true);
        } else {
            Tensor sums = windowReduce(toPaddedNhwc(x, pads, 0), kh, kw, sh, sw, false);
            if (n.i("count_include_pad", 0) != 0 || unpadded) {
                nhwc = Ops.div(sums, scalarLike(sums, kh * kw));
            } else {
                Tensor ones = Tensor.fill(x.dtype(), 1, 1, x.shape().dim(2), x.shape().dim(3), 1);
                Tensor counts = windowReduce(padAxes(ones, new int[] {1, 2}, new long[] {pads[0], pads[1]}, new long[] {pads[2], pads[3]}, 0),
                        kh, kw, sh, sw, false);
                nhwc = Ops.div(sums, counts);
            }
        }
        return transpose(nhwc, 0, 3, 1, 2);
    }

    /** The maximum or sum of each window of an NHWC batch. */
    private static Tensor windowReduce(Tensor nhwc, int kh, int kw, int sh, int sw, boolean max) {
        Tensor patches = Nn.extractPatches(nhwc, kh, kw, sh, sw, Nn.Padding.VALID, 0);
        int[] d = patches.shape().dims();
        Tensor windows = reshape(patches, d[0], d[1], d[2], kh * kw, nhwc.dim(3));
        return max ? Ops.max(windows, new int[] {3}, false) : Ops.sum(windows, new int[] {3}, false);
    }

    /** {@code x} with {@code before[i]} and {@code after[i]} cells of {@code value} added on axis {@code axes[i]}; negative counts crop. */
    private static Tensor padAxes(Operand x, int[] axes, long[] before, long[] after, double value) {
        Tensor y = x instanceof Tensor t ? t : reshape(x, x.shape().dims());
        for (int i = 0; i < axes.length; i++) {
            int axis = axes[i];
            if (before[i] < 0 || after[i] < 0) {
                int start = (int) Math.max(0, -before[i]), length = y.dim(axis) - start - (int) Math.max(0, -after[i]);
                y = Ops.narrow(y, axis, start, length);
            }
            List<Tensor> parts = new ArrayList<>();
            for (long count : new long[] {Math.max(0, before[i]), -1, Math.max(0, after[i])}) {
                if (count == -1) {
                    parts.add(y);
                } else if (count > 0) {
                    int[] dims = y.shape().dims();
                    dims[axis] = (int) count;
                    parts.add(Tensor.fill(y.dtype(), value, dims));
                }
            }
            y = parts.size() == 1 ? y : Ops.concat(parts, axis);
        }
        return y;
    }

    private static Tensor pad(Node n, Operand[] x) {
        require(n.s("mode", "constant").equals("constant"), "mode " + n.s("mode", "constant") + "; supported: constant");
        require(x.length < 4 || x[3] == null, "the axes input; supported: pads for every axis");
        long[] pads = x.length > 1 && x[1] != null ? longs(x[1]) : n.ints("pads", null);
        int rank = x[0].shape().rank();
        require(pads != null && pads.length == 2 * rank, "pads " + Arrays.toString(pads) + " for an input of rank " + rank);
        double value = x.length > 2 && x[2] != null ? x[2].value().item() : n.f("value", 0);
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        return padAxes(x[0], axes, Arrays.copyOf(pads, rank), Arrays.copyOfRange(pads, rank, 2 * rank), value);
    }

    private static Tensor batchNormalization(Node n, Operand[] x) {
        require(n.i("training_mode", 0) == 0, "training_mode 1; supported: inference (the running mean and variance)");
        require(n.outputs().size() == 1, "the running statistics outputs; supported: inference");
        int rank = x[0].shape().rank();
        int[] channels = new int[rank];
        Arrays.fill(channels, 1);
        channels[1] = x[0].shape().dim(1);
        Operand scale = reshape(x[1], channels), bias = reshape(x[2], channels), mean = reshape(x[3], channels), variance = reshape(x[4], channels);
        return Nn.batchNormalization(x[0], mean, variance, bias, scale, n.f("epsilon", 1e-5f));
    }

    private static Tensor flatten(Node n, Operand[] x) {
        int[] dims = x[0].shape().dims();
        int axis = (int) n.i("axis", 1);
        axis = axis < 0 ? axis + dims.length : axis;
        require(axis >= 0 && axis <= dims.length, "axis " + n.i("axis", 1) + " of a rank-" + dims.length + " input");
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= dims[i];
        }
        return reshape(x[0], outer, x[0].shape().size() / Math.max(outer, 1));
    }

    private static Tensor reshapeTo(Node n, Operand[] x) {
        require(n.i("allowzero", 0) == 0, "allowzero 1; supported: 0 (a 0 copies the input's dimension)");
        long[] shape = longs(x[1]);
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i] == 0 ? x[0].shape().dim(i) : Math.toIntExact(shape[i]);
        }
        return reshape(x[0], dims);
    }

    private static long[] axes(Node n, Operand[] x) {
        return x.length > 1 && x[1] != null ? longs(x[1]) : n.ints("axes", null);
    }

    private static Tensor squeeze(Node n, Operand[] x) {
        int[] dims = x[0].shape().dims();
        long[] axes = axes(n, x);
        boolean[] drop = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            drop[i] = axes == null && dims[i] == 1;
        }
        for (long a : axes == null ? new long[0] : axes) {
            int axis = (int) (a < 0 ? a + dims.length : a);
            require(axis >= 0 && axis < dims.length && dims[axis] == 1, "axis " + a + " of shape " + Arrays.toString(dims) + " is not of size 1");
            drop[axis] = true;
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                kept.add(dims[i]);
            }
        }
        return reshape(x[0], kept.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Tensor unsqueeze(Node n, Operand[] x) {
        long[] axes = axes(n, x);
        require(axes != null, "no axes given");
        int rank = x[0].shape().rank() + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
            int axis = (int) (a < 0 ? a + rank : a);
            require(axis >= 0 && axis < rank && !added[axis], "axes " + Arrays.toString(axes) + " for an output of rank " + rank);
            added[axis] = true;
        }
        int[] dims = new int[rank];
        int[] in = x[0].shape().dims();
        for (int i = 0, k = 0; i < rank; i++) {
            dims[i] = added[i] ? 1 : in[k++];
        }
        return reshape(x[0], dims);
    }

    /** A Constant of a number or a list; one holding a tensor ({@code value}) is read with the model's file, by the model. */
    private static Tensor constant(Node n, Operand[] x) {
        if (n.attribute("value_float") != null) {
            return Tensor.scalar(n.f("value_float", 0));
        }
        if (n.attribute("value_int") != null) {
            return Tensor.scalar(n.i("value_int", 0), DType.INT64);
        }
        if (n.attribute("value_floats") != null) {
            List<Float> f = n.attribute("value_floats").getFloatsList();
            float[] values = new float[f.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = f.get(i);
            }
            return Tensor.of(values);
        }
        if (n.attribute("value_ints") != null) {
            return Tensor.of(n.ints("value_ints", new long[0]));
        }
        throw new Unsupported("no value; supported: value, value_float(s), value_int(s)");
    }

    private static Tensor cast(Node n, Operand[] x) {
        DType to = OnnxTensors.dtype((int) n.i("to", 0));
        require(to != null, "to " + n.i("to", 0) + "; supported: float, double, int32, int64, uint8, bool");
        return Ops.cast(x[0], to);
    }

    private static Tensor shape(Node n, Operand[] x) {
        int[] dims = x[0].shape().dims();
        int rank = dims.length;
        long start = n.i("start", 0), end = n.i("end", rank);
        start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        end = Math.max(start, Math.min(rank, end < 0 ? end + rank : end));
        long[] out = new long[(int) (end - start)];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims[(int) start + i];
        }
        return Tensor.of(out);
    }

    private static Tensor gather(Node n, Operand[] x) {
        int rank = x[0].shape().rank();
        int axis = (int) n.i("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        require(axis >= 0 && axis < rank, "axis " + n.i("axis", 0) + " of a rank-" + rank + " input");
        Tensor indices = x[1].value();
        long[] ids = indices.toLongArray();
        int size = x[0].shape().dim(axis);
        boolean negative = false;
        for (int i = 0; i < ids.length; i++) {
            require(ids[i] >= -size && ids[i] < size, "index " + ids[i] + " outside an axis of " + size);
            negative |= ids[i] < 0;
            ids[i] = ids[i] < 0 ? ids[i] + size : ids[i];
        }
        Tensor positive = negative ? Tensor.of(ids, indices.shape().dims()) : indices;
        if (indices.rank() == 0) {
            return Ops.reshape(Ops.gather(x[0], Ops.reshape(positive, 1), axis), removeAxis(x[0].shape().dims(), axis));
        }
        return Ops.gather(x[0], positive, axis);
    }

    /** {@code data[starts:ends:steps]} on the axes given (all by default), with ONNX's clamping of out-of-range bounds. */
    private static Tensor slice(Node n, Operand[] x) {
        int[] dims = x[0].shape().dims();
        long[] starts = longs(x[1]), ends = longs(x[2]);
        long[] axes = x.length > 3 && x[3] != null ? longs(x[3]) : null;
        long[] steps = x.length > 4 && x[4] != null ? longs(x[4]) : null;
        Tensor y = x[0] instanceof Tensor t ? t : reshape(x[0], dims);
        for (int i = 0; i < starts.length; i++) {
            int axis = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + dims.length : axes[i]);
            long step = steps == null ? 1 : steps[i];
            require(axis >= 0 && axis < dims.length && step != 0, "axis " + axis + " and step " + step + " for an input of rank " + dims.length);
            long size = dims[axis];
            long start = starts[i] < 0 ? starts[i] + size : starts[i], end = ends[i] < 0 ? ends[i] + size : ends[i];
            start = step > 0 ? Math.max(0, Math.min(size, start)) : Math.max(-1, Math.min(size - 1, start));
            end = step > 0 ? Math.max(0, Math.min(size, end)) : Math.max(-1, Math.min(size - 1, end));
            List<Long> picked = new ArrayList<>();
            for (long k = start; step > 0 ? k < end : k > end; k += step) {
                picked.add(k);
            }
            y = Ops.gather(y, Tensor.of(picked.stream().mapToLong(Long::longValue).toArray()), axis);
        }
        return y;
    }

    private static Tensor constantOfShape(Node n, Operand[] x) {
        int[] dims = Arrays.stream(longs(x[0])).mapToInt(Math::toIntExact).toArray();
        if (n.attribute("value") == null) {
            return Tensor.zeros(dims);
        }
        Tensor value = Onnx.constant(n.attribute("value").getT(), n);
        return Tensor.fill(value.dtype(), value.toDoubleArray()[0], dims);
    }

    private static int[] removeAxis(int[] dims, int axis) {
        int[] out = new int[dims.length - 1];
        for (int i = 0, k = 0; i < dims.length; i++) {
            if (i != axis) {
                out[k++] = dims[i];
            }
        }
        return out;
    }
}
