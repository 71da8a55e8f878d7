package dev.scratchnet.op;

import dev.scratchnet.kernel.BinaryOp;
import dev.scratchnet.kernel.BroadcastPlan;
import dev.scratchnet.kernel.Comparison;
import dev.scratchnet.kernel.Elementwise;
import dev.scratchnet.kernel.Gather;
import dev.scratchnet.kernel.Kernels;
import dev.scratchnet.kernel.MatMul;
import dev.scratchnet.kernel.Reduce;
import dev.scratchnet.kernel.Softmax;
import dev.scratchnet.kernel.UnaryOp;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every operation of the engine, each with its forward computation and, beside it, its gradient rule: the one
 * place to read (and check) all derivative formulas. Import statically to write {@code relu(matmul(x, w1).add(b1))}.
 *
 * <p>Ops are eager: they compute at once. Each validates its inputs and names itself and the offending shapes
 * or dtypes in the exception. When a gradient tape is recording, each op reports itself with its rule;
 * integer and bool results never carry gradients. Element-wise binary ops broadcast as NumPy does and do not
 * promote dtypes: both operands must have the same dtype, as in TensorFlow.
 */
public final class Ops {
    private Ops() {
    }

    /** Gradient rule of a one-input op: the input's gradient from the output's. */
    @FunctionalInterface
    private interface UnaryRule {
        Tensor apply(Tensor dy, Tensor x, Tensor y);
    }

    /** Gradient rule for one input of a two-input op. */
    @FunctionalInterface
    private interface BinaryRule {
        Tensor apply(Tensor dy, Tensor a, Tensor b, Tensor y);
    }

    // ---------------------------------------------------------------- element-wise, two inputs

    /**
     * {@code a + b}.
     *
     * @param a the first operand
     * @param b the second operand
     * @return {@code a + b}
     */
    public static Tensor add(Operand a, Operand b) {
        return binary("add", a, b, BinaryOp.ADD,
                (dy, x, y, out) -> dy,
                (dy, x, y, out) -> dy);
    }

    /**
     * {@code a - b}.
     *
     * @param a the first operand
     * @param b the second operand
     * @return {@code a - b}
     */
    public static Tensor sub(Operand a, Operand b) {
        return binary("sub", a, b, BinaryOp.SUB,
                (dy, x, y, out) -> dy,
                (dy, x, y, out) -> neg(dy));
    }

    /**
     * {@code a * b}, element-wise.
     *
     * @param a the first operand
     * @param b the second operand
     * @return {@code a * b}, element-wise
     */
    public static Tensor mul(Operand a, Operand b) {
        return binary("mul", a, b, BinaryOp.MUL,
                (dy, x, y, out) -> mul(dy, y),
                (dy, x, y, out) -> mul(dy, x));
    }

    /**
     * {@code a / b}, element-wise; integer operands are divided as floating point ({@code int32} and {@code int64}
     * as float64, narrower ones as float32), as TensorFlow's true division does.
     *
     * @param a the first operand
     * @param b the second operand
     * @return {@code a / b}, element-wise
     */
    public static Tensor div(Operand a, Operand b) {
        Tensor x = read(a), y = read(b);
        if (!x.dtype().isFloating() && x.dtype() == y.dtype()) {
            DType to = trueDivType(x.dtype());
            return div(cast(x, to), cast(y, to));
        }
        return binary("div", x, y, BinaryOp.DIV,
                (dy, p, q, out) -> div(dy, q),
                (dy, p, q, out) -> neg(mul(dy, div(out, q))));
    }

    /**
     * {@code a / scalar}; an integer tensor is divided as floating point, like {@code x / 255.0} in TensorFlow.
     *
     * @param a the first operand
     * @param scalar a number
     * @return {@code a / scalar}
     */
    public static Tensor div(Operand a, double scalar) {
        Tensor x = read(a);
        if (x.dtype().isFloating()) {
            return div(x, scalarLike(x, scalar));
        }
        if (x.dtype() == DType.UINT8) {
            float[] out = StepBuffers.floats(x.size());
            Kernels.loops().unsignedBytesDivided(x.bytes(), x.offset(), out, out.length, (float) scalar);
            return dividedIntegers(x, scalar, Tensor.wrap(x.shape(), out));
        }
        // Integers carry no gradient, and the cast's fresh array is ours alone: divide it in place, saving a copy.
        Tensor xf = cast(x, trueDivType(x.dtype()));
        Tensor s = scalarLike(xf, scalar);
        int[] dims = xf.shape().dims();
        BroadcastPlan plan = BroadcastPlan.of(dims, dims, new int[0], dims);
        if (xf.dtype() == DType.FLOAT32) {
            Kernels.loops().zip(BinaryOp.DIV, plan, xf.floats(), xf.offset(), s.floats(), 0, xf.floats());
        } else {
            Elementwise.zip(plan, xf.doubles(), xf.offset(), s.doubles(), 0, xf.doubles(), BinaryOp.DIV.onDoubles);
        }
        return dividedIntegers(x, scalar, new Tensor(xf.shape(), xf.data(), xf.offset()));
    }

    /** Reports integers divided by a number as one op (it has no gradient: integers carry none), for traces. */
    private static Tensor dividedIntegers(Tensor x, double divisor, Tensor quotient) {
        return record("divScalar", Map.of("divisor", divisor), quotient, (dy, xs, y, needed) -> new Tensor[] {null}, x);
    }

    private static DType trueDivType(DType integer) {
        return integer == DType.INT32 || integer == DType.INT64 ? DType.FLOAT64 : DType.FLOAT32;
    }

    /**
     * The larger of {@code a} and {@code b}; where they are equal the gradient goes to {@code a}.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the larger of {@code a} and {@code b}
     */
    public static Tensor maximum(Operand a, Operand b) {
        return binary("maximum", a, b, BinaryOp.MAXIMUM,
                (dy, x, y, out) -> mul(dy, cast(greaterEqual(x, y), dy.dtype())),
                (dy, x, y, out) -> mul(dy, cast(less(x, y), dy.dtype())));
    }

    /**
     * The smaller of {@code a} and {@code b}; where they are equal the gradient goes to {@code a}.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the smaller of {@code a} and {@code b}
     */
    public static Tensor minimum(Operand a, Operand b) {
        return binary("minimum", a, b, BinaryOp.MINIMUM,
                (dy, x, y, out) -> mul(dy, cast(lessEqual(x, y), dy.dtype())),
                (dy, x, y, out) -> mul(dy, cast(greater(x, y), dy.dtype())));
    }

    /**
     * {@code a} to the power {@code b}, element-wise, like {@code tf.pow}. The gradient for {@code b} is
     * {@code dy * a^b * log(a)} where {@code a > 0} and 0 elsewhere, as in TensorFlow.
     *
     * @param a the first operand
     * @param b the second operand
     * @return {@code a} to the power {@code b}, element-wise
     */
    public static Tensor pow(Operand a, Operand b) {
        return binary("pow", a, b, BinaryOp.POW,
                (dy, x, y, out) -> mul(dy, mul(y, pow(x, sub(y, scalarLike(y, 1))))),
                (dy, x, y, out) -> {
                    Tensor positive = cast(greater(x, scalarLike(x, 0)), x.dtype());
                    Tensor safeLog = log(add(mul(x, positive), sub(scalarLike(x, 1), positive)));
                    return mul(dy, mul(out, safeLog));
                });
    }

    /**
     * {@code x} to the power {@code exponent}, element-wise.
     *
     * @param x the input
     * @param exponent the power
     * @return {@code x} to the power {@code exponent}, element-wise
     */
    public static Tensor pow(Operand x, double exponent) {
        return pow(x, scalarLike(x, exponent));
    }

    /** ReLU's backward step: {@code dy} where {@code y > 0}, else 0. An op of its own so that it can be differentiated again. */
    static Tensor reluGrad(Operand dy, Operand y) {
        return binary("reluGrad", dy, y, BinaryOp.RELU_GRAD,
                (ddy, g, v, out) -> reluGrad(ddy, v),
                (ddy, g, v, out) -> null);
    }

    // ---------------------------------------------------------------- element-wise, one input

    /**
     * {@code -x}.
     *
     * @param x the input
     * @return {@code -x}
     */
    public static Tensor neg(Operand x) {
        return unary("neg", x, UnaryOp.NEG, (dy, in, y) -> neg(dy));
    }

    /**
     * e to the power {@code x}.
     *
     * @param x the input
     * @return e to the power {@code x}
     */
    public static Tensor exp(Operand x) {
        return unary("exp", x, UnaryOp.EXP, (dy, in, y) -> mul(dy, y));
    }

    /**
     * The natural logarithm.
     *
     * @param x the input
     * @return the natural logarithm
     */
    public static Tensor log(Operand x) {
        return unary("log", x, UnaryOp.LOG, (dy, in, y) -> div(dy, in));
    }

    /**
     * The square root.
     *
     * @param x the input
     * @return the square root
     */
    public static Tensor sqrt(Operand x) {
        return unary("sqrt", x, UnaryOp.SQRT, (dy, in, y) -> div(dy, mul(y, scalarLike(y, 2))));
    }

    /**
     * {@code x * x}.
     *
     * @param x the input
     * @return {@code x * x}
     */
    public static Tensor square(Operand x) {
        return unary("square", x, UnaryOp.SQUARE, (dy, in, y) -> mul(dy, mul(in, scalarLike(in, 2))));
    }

    /**
     * {@code max(x, 0)}.
     *
     * @param x the input
     * @return {@code max(x, 0)}
     */
    public static Tensor relu(Operand x) {
        return unary("relu", x, UnaryOp.RELU, (dy, in, y) -> reluGrad(dy, y));
    }

    /**
     * The logistic function {@code 1 / (1 + exp(-x))}.
     *
     * @param x the input
     * @return the logistic function {@code 1 / (1 + exp(-x))}
     */
    public static Tensor sigmoid(Operand x) {
        return unary("sigmoid", x, UnaryOp.SIGMOID, (dy, in, y) -> mul(dy, mul(y, sub(scalarLike(y, 1), y))));
    }

    /**
     * The hyperbolic tangent.
     *
     * @param x the input
     * @return the hyperbolic tangent
     */
    public static Tensor tanh(Operand x) {
        return unary("tanh", x, UnaryOp.TANH, (dy, in, y) -> mul(dy, sub(scalarLike(y, 1), square(y))));
    }

    // ---------------------------------------------------------------- comparisons (bool results, no gradient)

    /**
     * Where {@code a == b}, as bool.
     *
     * @param a the first operand
     * @param b the second operand
     * @return where {@code a == b}, as bool
     */
    public static Tensor equal(Operand a, Operand b) {
        return compare("equal", a, b, Comparison.EQUAL);
    }

    /**
     * Where {@code a != b}, as bool.
     *
     * @param a the first operand
     * @param b the second operand
     * @return where {@code a != b}, as bool
     */
    public static Tensor notEqual(Operand a, Operand b) {
        return compare("notEqual", a, b, Comparison.NOT_EQUAL);
    }

    /**
     * Where {@code a < b}, as bool.
     *
     * @param a the first operand
     * @param b the second operand
     * @return where {@code a < b}, as bool
     */
    public static Tensor less(Operand a, Operand b) {
        return compare("less", a, b, Comparison.LESS);
    }

    /**
     * Where {@code a <= b}, as bool.
     *
     * @param a the first operand
     * @param b the second operand
     * @return where {@code a <= b}, as bool
     */
    public static Tensor lessEqual(Operand a, Operand b) {
        return compare("lessEqual", a, b, Comparison.LESS_EQUAL);
    }

    /**
     * Where {@code a > b}, as bool.
     *
     * @param a the first operand
     * @param b the second operand
     * @return where {@code a > b}, as bool
     */
    public static Tensor greater(Operand a, Operand b) {
        return compare("greater", a, b, Comparison.GREATER);
    }

    /**
     * Where {@code a >= b}, as bool.
     *
     * @param a the first operand
     * @param b the second operand
     * @return where {@code a >= b}, as bool
     */
    public static Tensor greaterEqual(Operand a, Operand b) {
        return compare("greaterEqual", a, b, Comparison.GREATER_EQUAL);
    }

    // ---------------------------------------------------------------- reductions

    /**
     * The sum of all elements, a scalar.
     *
     * @param x the input
     * @return the sum of all elements, a scalar
     */
    public static Tensor sum(Operand x) {
        return sum(x, allAxes(read(x)), false);
    }

    /**
     * The sum over {@code axes} (negative axes count from the end), dropping them.
     *
     * @param x the input
     * @param axes the axes (negative count from the end)
     * @return the sum over {@code axes}
     */
    public static Tensor sum(Operand x, int... axes) {
        return sum(x, axes, false);
    }

    /**
     * The sum over {@code axes}; with {@code keepDims} the reduced axes stay with size 1.
     *
     * @param x the input
     * @param axes the axes (negative count from the end)
     * @param keepDims whether reduced axes stay, with size 1
     * @return the sum over {@code axes}
     */
    public static Tensor sum(Operand x, int[] axes, boolean keepDims) {
        Tensor in = read(x);
        return reduce("sum", in, axes, keepDims, 0, BinaryOp.ADD,
                (dy, kept) -> broadcastTo(reshape(dy, kept), in.shape().dims()));
    }

    /**
     * The mean of all elements, a scalar.
     *
     * @param x the input
     * @return the mean of all elements, a scalar
     */
    public static Tensor mean(Operand x) {
        return mean(x, allAxes(read(x)), false);
    }

    /**
     * The mean over {@code axes}, dropping them.
     *
     * @param x the input
     * @param axes the axes (negative count from the end)
     * @return the mean over {@code axes}, dropping them
     */
    public static Tensor mean(Operand x, int... axes) {
        return mean(x, axes, false);
    }

    /**
     * The mean over {@code axes}; integer tensors give the truncated integer mean, as in TensorFlow.
     *
     * @param x the input
     * @param axes the axes (negative count from the end)
     * @param keepDims whether reduced axes stay, with size 1
     * @return the mean over {@code axes}
     */
    public static Tensor mean(Operand x, int[] axes, boolean keepDims) {
        Tensor in = read(x);
        int count = 1;
        for (int axis : normalizeAxes("mean", in, axes)) {
            count *= in.dim(axis);
        }
        Tensor total = sum(in, axes, keepDims);
        if (in.dtype().isFloating()) {
            return div(total, scalarLike(total, count));
        }
        long n = Math.max(count, 1);
        long[] values = total.toLongArray();
        Elementwise.map(values, values, v -> v / n);
        return Tensor.wrap(total.shape(), Storage.convert(values, 0, values.length, total.dtype()));
    }

    /**
     * The largest element, a scalar.
     *
     * @param x the input
     * @return the largest element, a scalar
     */
    public static Tensor max(Operand x) {
        return max(x, allAxes(read(x)), false);
    }

    /**
     * The maximum over {@code axes}, dropping them.
     *
     * @param x the input
     * @param axes the axes (negative count from the end)
     * @return the maximum over {@code axes}, dropping them
     */
    public static Tensor max(Operand x, int... axes) {
        return max(x, axes, false);
    }

    /**
     * The maximum over {@code axes}; the gradient is shared equally among tied maxima, as in TensorFlow.
     *
     * @param x the input
     * @param axes the axes (negative count from the end)
     * @param keepDims whether reduced axes stay, with size 1
     * @return the maximum over {@code axes}
     */
    public static Tensor max(Operand x, int[] axes, boolean keepDims) {
        Tensor in = read(x);
        double identity = in.dtype().isFloating() ? Double.NEGATIVE_INFINITY : Long.MIN_VALUE;
        int[] ax = normalizeAxes("max", in, axes);
        return reduce("max", in, axes, keepDims, identity, BinaryOp.MAXIMUM, (dy, kept) -> {
            Tensor y = max(stopGradient(in), ax, true);
            Tensor mask = cast(equal(in, y), in.dtype());
            return mul(div(mask, sum(mask, ax, true)), reshape(dy, kept));
        });
    }

    /**
     * The index of the largest value along {@code axis}, as int64 (TensorFlow's default).
     *
     * @param x the input
     * @param axis the axis (negative counts from the end)
     * @return the index of the largest value along {@code axis}, as int64
     */
    public static Tensor argmax(Operand x, int axis) {
        return argmax(x, axis, DType.INT64);
    }

    /**
     * The index of the largest value along {@code axis}, first on ties, as {@code outputType} (int32 or int64).
     *
     * @param x the input
     * @param axis the axis (negative counts from the end)
     * @param outputType the integer dtype of the result
     * @return the index of the largest value along {@code axis}, first on ties, as {@code outputType}
     */
    public static Tensor argmax(Operand x, int axis, DType outputType) {
        Tensor in = read(x);
        if (outputType != DType.INT32 && outputType != DType.INT64) {
            throw new IllegalArgumentException("argmax: output type must be int32 or int64, got " + outputType);
        }
        if (in.rank() == 0) {
            throw new IllegalArgumentException("argmax: needs at least one dimension, got a scalar");
        }
        int a = axisOf("argmax", in, axis);
        int[] dims = in.shape().dims();
        int outer = product(dims, 0, a), n = dims[a], inner = product(dims, a + 1, dims.length);
        if (n == 0) {
            throw new IllegalArgumentException("argmax: axis " + axis + " of shape " + in.shape() + " is empty");
        }
        long[] out = new long[outer * inner];
        Reduce.argmax(Storage.toDoubles(in.data(), in.offset(), in.size()), outer, n, inner, out);
        return Tensor.wrap(Shape.of(remove(dims, a)), Storage.convert(out, 0, out.length, outputType));
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * The matrix product {@code a · b}, like {@code tf.matmul}: of two matrices, or of stacks of matrices
     * ({@code [..., m, k] · [..., k, n]}), whose leading (batch) axes broadcast against each other; a stack times a
     * matrix multiplies every matrix of the stack.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the matrix product {@code a · b}
     */
    public static Tensor matmul(Operand a, Operand b) {
        return matmul(a, b, false, false);
    }

    /**
     * The matrix product with either operand's last two axes transposed first, like
     * {@code tf.matmul(a, b, transpose_a, transpose_b)}.
     *
     * @param a the first operand
     * @param b the second operand
     * @param transposeA whether to transpose {@code a}'s last two axes first
     * @param transposeB whether to transpose {@code b}'s last two axes first
     * @return the matrix product with either operand's last two axes transposed first
     */
    public static Tensor matmul(Operand a, Operand b, boolean transposeA, boolean transposeB) {
        Tensor x = read(a), y = read(b);
        sameDType("matmul", x, y);
        if (x.rank() < 2 || y.rank() < 2 || !x.dtype().isFloating()) {
            throw new IllegalArgumentException("matmul: expects two float tensors of at least 2 axes, got " + x.dtype() + x.shape() + " and "
                    + y.dtype() + y.shape());
        }
        int m = x.dim(transposeA ? -1 : -2), k = x.dim(transposeA ? -2 : -1);
        int k2 = y.dim(transposeB ? -1 : -2), n = y.dim(transposeB ? -2 : -1);
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + x.shape() + " and " + y.shape() + " do not fit (inner dimensions "
                    + k + " and " + k2 + ", transposeA=" + transposeA + ", transposeB=" + transposeB + ")");
        }
        if (x.rank() > 2 || y.rank() > 2) {
            return batchMatmul(x, y, transposeA, transposeB, m, n);
        }
        long started = Profiler.start();
        Object out;
        if (x.dtype() == DType.FLOAT32) {
            float[] c = OutputLoan.floats(m * n);
            Kernels.matMul().matmul(x.floats(), x.offset(), y.floats(), y.offset(), c, m, n, k, transposeA, transposeB);
            out = c;
        } else {
            double[] c = new double[m * n];
            MatMul.matmul(x.doubles(), x.offset(), y.doubles(), y.offset(), c, m, n, k, transposeA, transposeB);
            out = c;
        }
        Profiler.op("matmul", started, 2.0 * m * n * k);
        return record("matmul", Map.of("transposeA", transposeA, "transposeB", transposeB), Tensor.wrap(Shape.of(m, n), out), (dy, in, o, needed) -> new Tensor[] {
            !needed[0] ? null : transposeA ? matmul(in[1], dy, transposeB, true) : matmul(dy, in[1], false, !transposeB),
            !needed[1] ? null : transposeB ? matmul(dy, in[0], true, transposeA) : matmul(in[0], dy, !transposeA, false)
        }, x, y);
    }

    /**
     * Stacks of matrices multiplied pairwise, their batch axes broadcast. A stack times one matrix that is not
     * transposed is a single product of all the stack's rows; otherwise each pair is its own product.
     */
    private static Tensor batchMatmul(Tensor x, Tensor y, boolean transposeA, boolean transposeB, int m, int n) {
        int[] xDims = x.shape().dims(), yDims = y.shape().dims();
        if (y.rank() == 2 && !transposeA) {
            int[] outDims = xDims.clone();
            outDims[outDims.length - 1] = n;
            Tensor rows = reshape(x, -1, x.dim(-1));
            return reshape(matmul(rows, y, false, transposeB), outDims);
        }
        Shape xBatch = Shape.of(Arrays.copyOf(xDims, xDims.length - 2)), yBatch = Shape.of(Arrays.copyOf(yDims, yDims.length - 2));
        Shape batch = Shape.broadcast(xBatch, yBatch);
        if (batch == null) {
            throw new IllegalArgumentException("matmul: batch axes of " + x.shape() + " and " + y.shape() + " cannot be broadcast together");
        }
        Tensor xs = reshape(broadcastTo(x, concatDims(batch.dims(), x.dim(-2), x.dim(-1))), -1, x.dim(-2), x.dim(-1));
        Tensor ys = reshape(broadcastTo(y, concatDims(batch.dims(), y.dim(-2), y.dim(-1))), -1, y.dim(-2), y.dim(-1));
        List<Tensor> products = new java.util.ArrayList<>();
        for (int i = 0; i < xs.dim(0); i++) {
            products.add(reshape(matmul(reshape(narrow(xs, 0, i, 1), xs.dim(1), xs.dim(2)),
                    reshape(narrow(ys, 0, i, 1), ys.dim(1), ys.dim(2)), transposeA, transposeB), 1, m, n));
        }
        Tensor stacked = products.isEmpty() ? Tensor.zeros(x.dtype(), 0, m, n) : concat(products, 0);
        return reshape(stacked, concatDims(batch.dims(), m, n));
    }

    private static int[] concatDims(int[] lead, int... tail) {
        int[] all = Arrays.copyOf(lead, lead.length + tail.length);
        System.arraycopy(tail, 0, all, lead.length, tail.length);
        return all;
    }

    /**
     * The transpose of a 2-D tensor (for more axes, the axes reversed).
     *
     * @param x the input
     * @return the transpose of a 2-D tensor
     */
    public static Tensor transpose(Operand x) {
        int rank = read(x).rank();
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = rank - 1 - i;
        }
        return transpose(x, perm);
    }

    /**
     * The axes of {@code x} rearranged: axis {@code i} of the result is axis {@code perm[i]} of {@code x}.
     *
     * @param x the input
     * @param perm the new order of the axes
     * @return the axes of {@code x} rearranged
     */
    public static Tensor transpose(Operand x, int... perm) {
        Tensor in = read(x);
        int rank = in.rank();
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        if (perm.length != rank) {
            throw new IllegalArgumentException("transpose: permutation " + Arrays.toString(perm) + " does not fit shape " + in.shape());
        }
        for (int i = 0; i < rank; i++) {
            if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) {
                throw new IllegalArgumentException("transpose: " + Arrays.toString(perm) + " is not a permutation of the axes of " + in.shape());
            }
            seen[perm[i]] = true;
            inverse[perm[i]] = i;
        }
        int[] dims = in.shape().dims();
        int[] outDims = new int[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = dims[perm[i]];
        }
        Object out = Storage.allocate(in.dtype(), in.size());
        long started = Profiler.start();
        if (in.dtype() == DType.FLOAT32) {
            Gather.transpose(in.floats(), in.offset(), dims, perm, (float[]) out);
        } else {
            Gather.gather(in.data(), in.offset(), Gather.transposeIndex(dims, perm), out);
        }
        Profiler.op("transpose", started, 0);
        return record("transpose", Map.of("perm", perm.clone()), Tensor.wrap(Shape.of(outDims), out),
                (dy, xs, y, needed) -> new Tensor[] {transpose(dy, inverse)}, in);
    }

    // ---------------------------------------------------------------- neural-network ops

    /**
     * Softmax over the last axis, stabilised by subtracting the row maximum.
     *
     * @param logits unnormalised log-probabilities, classes on the last axis
     * @return softmax over the last axis, stabilised by subtracting the row maximum
     */
    public static Tensor softmax(Operand logits) {
        return rowwise("softmax", logits, false, (dy, x, y) -> mul(sub(dy, sum(mul(dy, y), new int[] {-1}, true)), y));
    }

    /**
     * The logarithm of the softmax over the last axis, computed without forming the softmax.
     *
     * @param logits unnormalised log-probabilities, classes on the last axis
     * @return the logarithm of the softmax over the last axis, computed without forming the softmax
     */
    public static Tensor logSoftmax(Operand logits) {
        return rowwise("logSoftmax", logits, true, (dy, x, y) -> sub(dy, mul(exp(y), sum(dy, new int[] {-1}, true))));
    }

    /**
     * The cross-entropy between integer class labels and the softmax of the logits, one value per row, like
     * {@code tf.nn.sparse_softmax_cross_entropy_with_logits}: logits [..., classes], labels [...] of int32 or int64
     * in {@code [0, classes)}.
     *
     * @param logits unnormalised log-probabilities, classes on the last axis
     * @param labels the class of each row
     * @return the cross-entropy between integer class labels and the softmax of the logits, one value per row
     */
    public static Tensor sparseSoftmaxCrossEntropyWithLogits(Operand logits, Operand labels) {
        String op = "sparseSoftmaxCrossEntropyWithLogits";
        Tensor z = read(logits), l = read(labels);
        if (!z.dtype().isFloating() || z.rank() < 1) {
            throw new IllegalArgumentException(op + ": logits must be a float tensor of rank >= 1, got " + z.dtype() + z.shape());
        }
        if (l.dtype() != DType.INT32 && l.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": labels must be int32 or int64, got " + l.dtype());
        }
        int classes = z.dim(-1);
        Shape rowsShape = Shape.of(Arrays.copyOf(z.shape().dims(), z.rank() - 1));
        if (!l.shape().equals(rowsShape)) {
            throw new IllegalArgumentException(op + ": logits " + z.shape() + " need labels of shape " + rowsShape + ", got " + l.shape());
        }
        long started = Profiler.start();
        long[] ids = l.toLongArray();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= classes) {
                throw new IllegalArgumentException(op + ": label " + ids[i] + " at index " + i + " is outside [0, " + classes + ")");
            }
        }
        int rows = ids.length;
        double[] loss = new double[rows], prob = new double[rows * classes];
        Softmax.sparseCrossEntropy(Storage.toDoubles(z.data(), z.offset(), z.size()), ids, prob, loss, rows, classes);
        Tensor y = Tensor.wrap(rowsShape, Storage.convert(loss, 0, rows, z.dtype()));
        Profiler.op(op, started, 0);
        return record(op, y, (dy, in, out, needed) -> {
            if (Recording.follows(dy, in[0])) {
                // A tape records this gradient (for a higher derivative): compose it from differentiable ops.
                return new Tensor[] {mul(expandDims(dy, -1), sub(softmax(in[0]), oneHot(in[1], classes, in[0].dtype()))), null};
            }
            double[] g = new double[rows * classes];
            Softmax.sparseCrossEntropyGradient(prob, ids, Storage.toDoubles(dy.data(), dy.offset(), rows), g, rows, classes,
                    in[0].dtype() == DType.FLOAT32);
            return new Tensor[] {Tensor.wrap(in[0].shape(), Storage.convert(g, 0, g.length, in[0].dtype())), null};
        }, z, l);
    }

    /**
     * The cross-entropy between a probability distribution {@code labels} and the softmax of {@code logits}
     * over the last axis, like {@code tf.nn.softmax_cross_entropy_with_logits}; both have the same shape.
     *
     * @param logits unnormalised log-probabilities, classes on the last axis
     * @param labels the class of each row
     * @return the cross-entropy between a probability distribution {@code labels} and the softmax of {@code logits} over the last axis
     */
    public static Tensor softmaxCrossEntropyWithLogits(Operand logits, Operand labels) {
        Tensor z = read(logits), p = read(labels);
        if (!z.shape().equals(p.shape()) || z.rank() < 1) {
            throw new IllegalArgumentException("softmaxCrossEntropyWithLogits: logits " + z.shape() + " and labels " + p.shape() + " must have the same shape");
        }
        return neg(sum(mul(p, logSoftmax(z)), -1));
    }

    /**
     * One-hot vectors: for indices of shape S, a tensor of shape S + [depth] with 1 at each index and 0
     * elsewhere; an index outside {@code [0, depth)} gives a row of zeros, as in TensorFlow.
     *
     * @param indices the indices
     * @param depth the number of classes
     * @param dtype the element type
     * @return one-hot vectors
     */
    public static Tensor oneHot(Operand indices, int depth, DType dtype) {
        Tensor idx = read(indices);
        if (idx.dtype().isFloating() || idx.dtype() == DType.BOOL || depth < 0) {
            throw new IllegalArgumentException("oneHot: needs integer indices and depth >= 0, got " + idx.dtype() + " and depth " + depth);
        }
        long[] ids = idx.toLongArray();
        Object out = Storage.allocate(dtype, ids.length * depth);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= 0 && ids[i] < depth) {
                Storage.setDouble(out, i * depth + (int) ids[i], 1);
            }
        }
        return Tensor.wrap(Shape.of(append(idx.shape().dims(), depth)), out);
    }

    // ---------------------------------------------------------------- shapes, dtypes and plumbing

    /**
     * The same values in a new shape, with at most one -1 inferred; shares the values.
     *
     * @param x the input
     * @param dims the dimensions of the shape
     * @return the same values in a new shape, with at most one -1 inferred
     */
    public static Tensor reshape(Operand x, int... dims) {
        Tensor in = read(x);
        Shape shape;
        try {
            shape = in.shape().reshape(dims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return record("reshape", Map.of("shape", shape.dims()), new Tensor(shape, in.data(), in.offset()),
                (dy, xs, y, needed) -> new Tensor[] {reshape(dy, xs[0].shape().dims())}, in);
    }

    /**
     * {@code x} with a new axis of size 1 inserted at {@code axis} (negative counts from the end, -1 appends).
     *
     * @param x the input
     * @param axis the axis (negative counts from the end)
     * @return {@code x} with a new axis of size 1 inserted at {@code axis}
     */
    public static Tensor expandDims(Operand x, int axis) {
        Tensor in = read(x);
        int rank = in.rank();
        int a = axis < 0 ? axis + rank + 1 : axis;
        if (a < 0 || a > rank) {
            throw new IllegalArgumentException("expandDims: axis " + axis + " is out of range for shape " + in.shape());
        }
        int[] dims = in.shape().dims();
        int[] out = new int[rank + 1];
        System.arraycopy(dims, 0, out, 0, a);
        out[a] = 1;
        System.arraycopy(dims, a, out, a + 1, rank - a);
        return reshape(in, out);
    }

    /**
     * The values converted to {@code dtype}; floats become integers by truncation toward zero.
     *
     * @param x the input
     * @param dtype the element type
     * @return the values converted to {@code dtype}
     */
    public static Tensor cast(Operand x, DType dtype) {
        Tensor in = read(x);
        if (in.dtype() == dtype) {
            return in;
        }
        Tensor y = Tensor.wrap(in.shape(), Storage.convert(in.data(), in.offset(), in.size(), dtype));
        return record("cast", Map.of("dtype", dtype), y, (dy, xs, out, needed) -> new Tensor[] {
            xs[0].dtype().isFloating() ? cast(dy, xs[0].dtype()) : null
        }, in);
    }

    /**
     * {@code x} itself, but a tape sees a constant: no gradient flows back through it.
     *
     * @param x the input
     * @return {@code x} itself, but a tape sees a constant
     */
    public static Tensor stopGradient(Operand x) {
        Tensor in = read(x);
        return new Tensor(in.shape(), in.data(), in.offset());
    }

    /**
     * {@code x} repeated along its size-1 (or missing leading) axes to fill {@code dims}.
     *
     * @param x the input
     * @param dims the dimensions of the shape
     * @return {@code x} repeated along its size-1
     */
    public static Tensor broadcastTo(Operand x, int... dims) {
        Tensor in = read(x);
        Shape target = Shape.of(dims);
        Shape both = Shape.broadcast(in.shape(), target);
        if (both == null || !both.equals(target)) {
            throw new IllegalArgumentException("broadcastTo: cannot broadcast " + in.shape() + " to " + target);
        }
        if (in.shape().equals(target)) {
            return in;
        }
        BroadcastPlan plan = BroadcastPlan.of(dims, in.shape().dims(), dims);
        int[] index = new int[target.size()];
        int len = plan.runLength(), step = plan.step(0);
        for (BroadcastPlan.Cursor c = plan.cursor(); c.next(); ) {
            for (int k = 0; k < len; k++) {
                index[c.offset(1) + k] = c.offset(0) + k * step;
            }
        }
        Object out = Storage.allocate(in.dtype(), target.size());
        Gather.gather(in.data(), in.offset(), index, out);
        return record("broadcastTo", Map.of("shape", target.dims()), Tensor.wrap(target, out),
                (dy, xs, y, needed) -> new Tensor[] {sumTo(dy, xs[0].shape())}, in);
    }

    /**
     * Undoes broadcasting: sums {@code x} over the axes along which {@code shape} was stretched to {@code x}'s shape.
     *
     * @param x the input
     * @param shape the shape
     * @return {@code x} summed to {@code shape}
     */
    public static Tensor sumTo(Operand x, Shape shape) {
        Tensor in = read(x);
        if (in.shape().equals(shape)) {
            return in;
        }
        int lead = in.rank() - shape.rank();
        int[] axes = new int[in.rank()];
        int n = 0;
        for (int i = 0; i < in.rank(); i++) {
            if (i < lead || (shape.dim(i - lead) == 1 && in.dim(i) != 1)) {
                axes[n++] = i;
            }
        }
        return reshape(sum(in, Arrays.copyOf(axes, n), true), shape.dims());
    }

    /**
     * The tensors joined along {@code axis}; all must have the same dtype and the same size on every other axis.
     *
     * @param values the tensors to join
     * @param axis the axis (negative counts from the end)
     * @return the tensors joined along {@code axis}
     */
    public static Tensor concat(List<? extends Operand> values, int axis) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor[] in = new Tensor[values.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = read(values.get(i));
        }
        Tensor first = in[0];
        int a = axisOf("concat", first, axis);
        int[] dims = first.shape().dims();
        int[] starts = new int[in.length + 1];
        for (int i = 0; i < in.length; i++) {
            int[] d = in[i].shape().dims();
            boolean fits = in[i].dtype() == first.dtype() && d.length == dims.length;
            for (int j = 0; fits && j < d.length; j++) {
                fits = j == a || d[j] == dims[j];
            }
            if (!fits) {
                throw new IllegalArgumentException("concat: tensor " + i + " is " + in[i].dtype() + in[i].shape() + " but tensor 0 is "
                        + first.dtype() + first.shape() + " (axis " + axis + ")");
            }
            starts[i + 1] = starts[i] + d[a];
        }
        dims[a] = starts[in.length];
        int outer = product(dims, 0, a), inner = product(dims, a + 1, dims.length);
        Object out = Storage.allocate(first.dtype(), product(dims, 0, dims.length));
        for (int i = 0; i < in.length; i++) {
            int block = (starts[i + 1] - starts[i]) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(in[i].data(), in[i].offset() + o * block, out, (o * dims[a] + starts[i]) * inner, block);
            }
        }
        return record("concat", Map.of("axis", a), Tensor.wrap(Shape.of(dims), out), (dy, xs, y, needed) -> {
            Tensor[] grads = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                grads[i] = needed[i] ? narrow(dy, a, starts[i], starts[i + 1] - starts[i]) : null;
            }
            return grads;
        }, in);
    }

    /**
     * The part of {@code x} from {@code start} for {@code length} entries along {@code axis}, like PyTorch's narrow.
     *
     * @param x the input
     * @param axis the axis (negative counts from the end)
     * @param start the first index
     * @param length the number of elements
     * @return the part of {@code x} from {@code start} for {@code length} entries along {@code axis}
     */
    public static Tensor narrow(Operand x, int axis, int start, int length) {
        Tensor in = read(x);
        int a = axisOf("narrow", in, axis);
        int[] dims = in.shape().dims();
        if (start < 0 || length < 0 || start + length > dims[a]) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") is outside axis " + axis + " of shape " + in.shape());
        }
        int outer = product(dims, 0, a), inner = product(dims, a + 1, dims.length), full = dims[a];
        dims[a] = length;
        Object out = Storage.allocate(in.dtype(), outer * length * inner);
        for (int o = 0; o < outer; o++) {
            System.arraycopy(in.data(), in.offset() + (o * full + start) * inner, out, o * length * inner, length * inner);
        }
        return record("narrow", Map.of("axis", a, "start", start, "length", length), Tensor.wrap(Shape.of(dims), out), (dy, xs, y, needed) -> {
            int[] before = xs[0].shape().dims(), after = xs[0].shape().dims();
            before[a] = start;
            after[a] = full - start - length;
            return new Tensor[] {concat(List.of(Tensor.zeros(dy.dtype(), before), dy, Tensor.zeros(dy.dtype(), after)), a)};
        }, in);
    }

    /**
     * Slices of {@code params} along {@code axis} picked by {@code indices}, like {@code tf.gather}.
     *
     * @param params the tensor to take slices from
     * @param indices the indices
     * @param axis the axis (negative counts from the end)
     * @return the slices picked
     */
    public static Tensor gather(Operand params, Operand indices, int axis) {
        Tensor p = read(params), idx = read(indices);
        if (idx.dtype() != DType.INT32 && idx.dtype() != DType.INT64) {
            throw new IllegalArgumentException("gather: indices must be int32 or int64, got " + idx.dtype());
        }
        int a = axisOf("gather", p, axis);
        int[] dims = p.shape().dims();
        int outer = product(dims, 0, a), inner = product(dims, a + 1, dims.length), full = dims[a];
        long[] ids = idx.toLongArray();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= full) {
                throw new IllegalArgumentException("gather: index " + ids[i] + " at position " + i + " is outside [0, " + full + ") for params " + p.shape());
            }
        }
        int[] outDims = concatDims(Arrays.copyOf(dims, a), idx.shape().dims(), Arrays.copyOfRange(dims, a + 1, dims.length));
        Object out = Storage.allocate(p.dtype(), outer * ids.length * inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < ids.length; j++) {
                System.arraycopy(p.data(), p.offset() + (o * full + (int) ids[j]) * inner, out, (o * ids.length + j) * inner, inner);
            }
        }
        return record("gather", Map.of("axis", a), Tensor.wrap(Shape.of(outDims), out), (dy, xs, y, needed) -> new Tensor[] {
            scatterAdd(dy, xs[1], a, xs[0].shape()), null
        }, p, idx);
    }

    /** gather's gradient: the slices of {@code updates} summed into zeros of {@code shape} at {@code indices} along {@code axis}. */
    private static Tensor scatterAdd(Tensor updates, Tensor indices, int axis, Shape shape) {
        int[] dims = shape.dims();
        int outer = product(dims, 0, axis), inner = product(dims, axis + 1, dims.length), full = dims[axis];
        long[] ids = indices.toLongArray();
        double[] u = updates.toDoubleArray();
        double[] out = new double[shape.size()];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < ids.length; j++) {
                int dst = (o * full + (int) ids[j]) * inner, src = (o * ids.length + j) * inner;
                for (int k = 0; k < inner; k++) {
                    out[dst + k] += u[src + k];
                }
            }
        }
        Tensor y = Tensor.wrap(shape, Storage.convert(out, 0, out.length, updates.dtype()));
        return record("scatterAdd", y, (dy, xs, o, needed) -> new Tensor[] {gather(dy, xs[1], axis), null}, updates, indices);
    }

    /**
     * A differentiable function defined by its forward computation and its own gradient rule, like
     * {@code tf.custom_gradient} or PyTorch's {@code autograd.Function}. The forward computation runs unseen by the
     * tapes; they record one op, {@code name}, that {@code rule} differentiates (its ops are recorded in turn by
     * outer tapes, so a rule written with ops has higher derivatives too).
     *
     * @param name the op's name, as tapes list it
     * @param inputs the inputs
     * @param forward computes the output from the inputs
     * @param rule the gradient rule
     * @return the forward computation's output, differentiated by {@code gradient}
     */
    @SuppressWarnings("try") // the handle only brings the tapes back when closed
    public static Tensor customGradient(String name, List<? extends Operand> inputs, java.util.function.Function<List<Tensor>, Tensor> forward,
                                        GradientRule rule) {
        Tensor[] in = new Tensor[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = read(inputs.get(i));
        }
        Tensor y;
        try (AutoCloseable hidden = Recording.suspend()) {
            y = stopGradient(forward.apply(List.of(in)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return record(name, Map.of("forward", forward, "rule", rule), y, (dy, xs, out, needed) -> {
            Tensor[] grads = rule.apply(dy, xs, out, needed);
            if (grads == null || grads.length != xs.length) {
                throw new IllegalStateException(name + ": the custom gradient rule returned " + (grads == null ? "null" : grads.length + " gradients")
                        + " for " + xs.length + " inputs");
            }
            return grads;
        }, in);
    }

    /**
     * {@code x} itself, after checking that it holds no NaN or infinity (else an {@link ArithmeticException} naming
     * {@code message} and the first bad element); its gradient is checked the same way on the way back.
     *
     * @param x the input
     * @param message named in the error
     * @return {@code x} itself, after checking that it holds no NaN or infinity
     */
    public static Tensor checkNumerics(Operand x, String message) {
        Tensor in = read(x);
        NumericsCheck.require("checkNumerics: " + message, in);
        return record("checkNumerics", Map.of("message", message), new Tensor(in.shape(), in.data(), in.offset()),
                (dy, xs, y, needed) -> new Tensor[] {checkNumerics(dy, message + " (gradient)")}, in);
    }


    /**
     * A scalar of {@code value} with the dtype of {@code like}. A fractional value (or one out of range) for an integer
     * or bool tensor is an error, as TensorFlow refuses to mix them: cast the tensor first.
     *
     * @param like the operand whose dtype to take
     * @param value the value
     * @return a scalar of {@code value} with the dtype of {@code like}
     */
    public static Tensor scalarLike(Operand like, double value) {
        DType dtype = like.dtype();
        if (!dtype.isFloating() && (value != Math.rint(value) || value < dtype.min() || value > dtype.max())) {
            throw new IllegalArgumentException("the scalar " + value + " does not fit a " + dtype + " tensor " + like.shape()
                    + "; cast the tensor to a floating-point dtype first");
        }
        return Tensor.scalar(value, dtype);
    }

    // ---------------------------------------------------------------- the machinery shared by the ops above

    /** The tensor behind an operand; reading a variable is reported to the active tapes. */
    static Tensor read(Operand operand) {
        if (operand instanceof Variable v) {
            Tensor t = v.value();
            for (Recorder r : Recording.active()) {
                r.variableRead(v, t);
            }
            return t;
        }
        if (operand == null) {
            throw new NullPointerException("an op was given null instead of a tensor");
        }
        return (Tensor) operand;
    }

    static Tensor record(String op, Tensor output, GradientRule rule, Tensor... inputs) {
        return record(op, Map.of(), output, rule, inputs);
    }

    /**
     * Reports an op to this thread's recorders: its name, the values that are not tensors ({@code attributes}, what a
     * traced graph needs to run the op again and an exporter to describe it), its inputs, output and gradient rule.
     */
    static Tensor record(String op, Map<String, Object> attributes, Tensor output, GradientRule rule, Tensor... inputs) {
        NumericsCheck.check("op " + op, output);
        List<Recorder> active = Recording.active();
        if (!active.isEmpty() && output.dtype().isFloating()) {
            for (int i = 0; i < active.size(); i++) {
                active.get(i).record(op, attributes, inputs, output, rule);
            }
        }
        return output;
    }

    private static Tensor unary(String op, Operand x, UnaryOp f, UnaryRule rule) {
        Tensor in = read(x);
        int n = in.size();
        long started = Profiler.start();
        Object out;
        if (in.dtype() == DType.FLOAT32) {
            float[] o = StepBuffers.floats(n);
            Kernels.loops().map(f, in.floats(), in.offset(), o, n);
            out = o;
        } else if (in.dtype() == DType.FLOAT64) {
            double[] o = new double[n];
            Elementwise.map(in.doubles(), in.offset(), o, n, f.onDoubles);
            out = o;
        } else if (in.dtype() != DType.BOOL && f.onLongs != null) {
            long[] o = new long[n];
            Elementwise.map(in.toLongArray(), o, f.onLongs);
            out = Storage.convert(o, 0, n, in.dtype());
        } else {
            throw new IllegalArgumentException(op + ": dtype " + in.dtype() + " is not supported (shape " + in.shape() + ")");
        }
        Profiler.op(op, started, n);
        return record(op, Tensor.wrap(in.shape(), out), (dy, xs, o, needed) -> new Tensor[] {rule.apply(dy, xs[0], o)}, in);
    }

    private static Tensor binary(String op, Operand a, Operand b, BinaryOp f, BinaryRule ruleA, BinaryRule ruleB) {
        Tensor x = read(a), y = read(b);
        sameDType(op, x, y);
        Shape shape = broadcastShape(op, x, y);
        BroadcastPlan plan = BroadcastPlan.of(shape.dims(), x.shape().dims(), y.shape().dims(), shape.dims());
        int n = shape.size();
        long started = Profiler.start();
        Object out;
        if (x.dtype() == DType.FLOAT32) {
            float[] o = StepBuffers.floats(n);
            Kernels.loops().zip(f, plan, x.floats(), x.offset(), y.floats(), y.offset(), o);
            out = o;
        } else if (x.dtype() == DType.FLOAT64) {
            double[] o = new double[n];
            Elementwise.zip(plan, x.doubles(), x.offset(), y.doubles(), y.offset(), o, f.onDoubles);
            out = o;
        } else if (x.dtype() != DType.BOOL && f.onLongs != null) {
            long[] o = new long[n];
            Elementwise.zip(plan, x.toLongArray(), y.toLongArray(), o, f.onLongs);
            out = Storage.convert(o, 0, n, x.dtype());
        } else {
            throw new IllegalArgumentException(op + ": dtype " + x.dtype() + " is not supported (shapes " + x.shape() + " and " + y.shape() + ")");
        }
        Profiler.op(op, started, n);
        return record(op, Tensor.wrap(shape, out), (dy, xs, o, needed) -> new Tensor[] {
            needed[0] ? ruleA.apply(dy, xs[0], xs[1], o) : null,
            needed[1] ? ruleB.apply(dy, xs[0], xs[1], o) : null
        }, x, y);
    }

    private static Tensor compare(String op, Operand a, Operand b, Comparison cmp) {
        Tensor x = read(a), y = read(b);
        sameDType(op, x, y);
        Shape shape = broadcastShape(op, x, y);
        BroadcastPlan plan = BroadcastPlan.of(shape.dims(), x.shape().dims(), y.shape().dims(), shape.dims());
        int n = shape.size();
        Object result;
        if (x.dtype().isFloating()) {
            double[] o = new double[n];
            Elementwise.zip(plan, x.toDoubleArray(), 0, y.toDoubleArray(), 0, o, cmp.onDoubles);
            result = o;
        } else {
            long[] o = new long[n];
            Elementwise.zip(plan, x.toLongArray(), y.toLongArray(), o, cmp.onLongs);
            result = o;
        }
        return Tensor.wrap(shape, Storage.convert(result, 0, n, DType.BOOL));
    }

    /** Rule of a reduction: the input's gradient from the output's, given the output's shape with kept axes. */
    @FunctionalInterface
    private interface ReductionRule {
        Tensor apply(Tensor dy, int[] keptDims);
    }

    private static Tensor reduce(String op, Tensor in, int[] axes, boolean keepDims, double identity, BinaryOp f, ReductionRule rule) {
        int[] ax = normalizeAxes(op, in, axes);
        int[] dims = in.shape().dims();
        int[] kept = dims.clone();
        for (int a : ax) {
            kept[a] = 1;
        }
        Shape keptShape = Shape.of(kept);
        BroadcastPlan plan = BroadcastPlan.of(dims, dims, kept);
        int n = keptShape.size();
        long started = Profiler.start();
        Object out;
        if (in.dtype() == DType.FLOAT32) {
            float[] o = new float[n];
            Arrays.fill(o, (float) identity);
            Kernels.loops().accumulate(f, plan, in.floats(), in.offset(), o);
            out = o;
        } else if (in.dtype() == DType.FLOAT64) {
            double[] o = new double[n];
            Arrays.fill(o, identity);
            Reduce.accumulate(plan, in.doubles(), in.offset(), o, f.onDoubles);
            out = o;
        } else if (in.dtype() != DType.BOOL) {
            long[] o = new long[n];
            Arrays.fill(o, (long) identity);
            Reduce.accumulate(plan, in.toLongArray(), o, f.onLongs);
            out = Storage.convert(o, 0, n, in.dtype());
        } else {
            throw new IllegalArgumentException(op + ": dtype bool is not supported (shape " + in.shape() + "); cast it first");
        }
        int[] outDims = keepDims ? kept : removeAll(dims, ax);
        Profiler.op(op, started, in.size());
        return record(op, Map.of("axes", ax, "keepDims", keepDims), Tensor.wrap(Shape.of(outDims), out),
                (dy, xs, y, needed) -> new Tensor[] {rule.apply(dy, kept)}, in);
    }

    /** softmax and logSoftmax: computed row by row over the last axis in double precision. */
    private static Tensor rowwise(String op, Operand logits, boolean log, UnaryRule rule) {
        Tensor x = read(logits);
        if (!x.dtype().isFloating() || x.rank() < 1) {
            throw new IllegalArgumentException(op + ": expects a float tensor of rank >= 1, got " + x.dtype() + x.shape());
        }
        int cols = x.dim(-1), rows = cols == 0 ? 0 : x.size() / cols;
        long started = Profiler.start();
        double[] out = new double[x.size()];
        double[] in = Storage.toDoubles(x.data(), x.offset(), x.size());
        if (log) {
            Softmax.logSoftmax(in, out, rows, cols);
        } else {
            Softmax.softmax(in, out, rows, cols);
        }
        Tensor y = Tensor.wrap(x.shape(), Storage.convert(out, 0, out.length, x.dtype()));
        Profiler.op(op, started, 0);
        return record(op, y, (dy, xs, o, needed) -> new Tensor[] {rule.apply(dy, xs[0], o)}, x);
    }

    static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ, " + a.dtype() + a.shape() + " and " + b.dtype() + b.shape()
                    + " (cast one of them first)");
        }
    }

    private static Shape broadcastShape(String op, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast(a.shape(), b.shape());
        if (shape == null) {
            throw new IllegalArgumentException(op + ": shapes " + a.shape() + " and " + b.shape() + " cannot be broadcast together");
        }
        return shape;
    }

    private static int axisOf(String op, Tensor x, int axis) {
        int a = axis < 0 ? axis + x.rank() : axis;
        if (a < 0 || a >= x.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + x.shape());
        }
        return a;
    }

    private static int[] normalizeAxes(String op, Tensor x, int[] axes) {
        boolean[] seen = new boolean[x.rank()];
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axisOf(op, x, axes[i]);
            if (seen[out[i]]) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " is given twice for shape " + x.shape());
            }
            seen[out[i]] = true;
        }
        return out;
    }

    private static int[] allAxes(Tensor x) {
        int[] axes = new int[x.rank()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    private static int product(int[] dims, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }

    private static int[] remove(int[] dims, int axis) {
        return removeAll(dims, new int[] {axis});
    }

    private static int[] removeAll(int[] dims, int[] axes) {
        int[] out = new int[dims.length - axes.length];
        int n = 0;
        outer:
        for (int i = 0; i < dims.length; i++) {
            for (int a : axes) {
                if (a == i) {
                    continue outer;
                }
            }
            out[n++] = dims[i];
        }
        return out;
    }

    private static int[] append(int[] dims, int last) {
        int[] out = Arrays.copyOf(dims, dims.length + 1);
        out[dims.length] = last;
        return out;
    }

    private static int[] concatDims(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int i = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
