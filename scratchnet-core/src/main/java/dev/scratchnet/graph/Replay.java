package dev.scratchnet.graph;

import dev.scratchnet.op.GradientRule;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Operand;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a traced node runs again: one row per op, from its name to the public op it calls with the recorded attributes.
 * Shapes follow the batch: a reshape keeps every recorded dimension but the first.
 */
final class Replay {
    @FunctionalInterface
    private interface Op {
        Tensor run(Operand[] in, Map<String, Object> a);
    }

    private static final Map<String, Op> TABLE = new HashMap<>();

    static {
        TABLE.put("add", (x, a) -> Ops.add(x[0], x[1]));
        TABLE.put("sub", (x, a) -> Ops.sub(x[0], x[1]));
        TABLE.put("mul", (x, a) -> Ops.mul(x[0], x[1]));
        TABLE.put("div", (x, a) -> Ops.div(x[0], x[1]));
        TABLE.put("divScalar", (x, a) -> Ops.div(x[0], (double) a.get("divisor")));
        TABLE.put("maximum", (x, a) -> Ops.maximum(x[0], x[1]));
        TABLE.put("minimum", (x, a) -> Ops.minimum(x[0], x[1]));
        TABLE.put("pow", (x, a) -> Ops.pow(x[0], x[1]));
        TABLE.put("neg", (x, a) -> Ops.neg(x[0]));
        TABLE.put("exp", (x, a) -> Ops.exp(x[0]));
        TABLE.put("log", (x, a) -> Ops.log(x[0]));
        TABLE.put("sqrt", (x, a) -> Ops.sqrt(x[0]));
        TABLE.put("square", (x, a) -> Ops.square(x[0]));
        TABLE.put("relu", (x, a) -> Ops.relu(x[0]));
        TABLE.put("sigmoid", (x, a) -> Ops.sigmoid(x[0]));
        TABLE.put("tanh", (x, a) -> Ops.tanh(x[0]));
        TABLE.put("softmax", (x, a) -> Ops.softmax(x[0]));
        TABLE.put("logSoftmax", (x, a) -> Ops.logSoftmax(x[0]));
        TABLE.put("sparseSoftmaxCrossEntropyWithLogits", (x, a) -> Ops.sparseSoftmaxCrossEntropyWithLogits(x[0], x[1]));
        TABLE.put("sum", (x, a) -> Ops.sum(x[0], (int[]) a.get("axes"), (boolean) a.get("keepDims")));
        TABLE.put("max", (x, a) -> Ops.max(x[0], (int[]) a.get("axes"), (boolean) a.get("keepDims")));
        TABLE.put("matmul", (x, a) -> Ops.matmul(x[0], x[1], (boolean) a.get("transposeA"), (boolean) a.get("transposeB")));
        TABLE.put("transpose", (x, a) -> Ops.transpose(x[0], (int[]) a.get("perm")));
        TABLE.put("reshape", (x, a) -> Ops.reshape(x[0], followingTheBatch((int[]) a.get("shape"))));
        TABLE.put("cast", (x, a) -> Ops.cast(x[0], (DType) a.get("dtype")));
        TABLE.put("broadcastTo", (x, a) -> Ops.broadcastTo(x[0], keepingTheInputsBatch(x[0], (int[]) a.get("shape"))));
        TABLE.put("concat", (x, a) -> Ops.concat(Arrays.asList(x), (int) a.get("axis")));
        TABLE.put("narrow", (x, a) -> Ops.narrow(x[0], (int) a.get("axis"), (int) a.get("start"), (int) a.get("length")));
        TABLE.put("gather", (x, a) -> Ops.gather(x[0], x[1], (int) a.get("axis")));
        TABLE.put("checkNumerics", (x, a) -> Ops.checkNumerics(x[0], (String) a.get("message")));
        TABLE.put("extractPatches", (x, a) -> Nn.extractPatches(x[0], (int) a.get("kh"), (int) a.get("kw"), (int) a.get("strideH"),
                (int) a.get("strideW"), (Nn.Padding) a.get("padding"), (double) a.get("pad")));
        TABLE.put("conv2d", (x, a) -> Nn.conv2d(x[0], x[1], x.length > 2 ? x[2] : null, (int) a.get("padTop"), (int) a.get("padBottom"),
                (int) a.get("padLeft"), (int) a.get("padRight")));
        TABLE.put("conv2dMaxPool", (x, a) -> Nn.conv2dMaxPool(x[0], x[1], x.length > 2 ? x[2] : null, (int) a.get("padTop"), (int) a.get("padBottom"),
                (int) a.get("padLeft"), (int) a.get("padRight"), (int) a.get("size")));
        TABLE.put("conv2dBackpropFilter", (x, a) -> Nn.conv2dBackpropFilter(x[0], x[1], (int) a.get("kh"), (int) a.get("kw"),
                (int) a.get("padTop"), (int) a.get("padBottom"), (int) a.get("padLeft"), (int) a.get("padRight")));
        TABLE.put("maxPool2d", (x, a) -> Nn.maxPool2d(x[0], (int) a.get("size"), (int) a.get("stride"), (Nn.Padding) a.get("padding")));
    }

    private Replay() {
    }

    /** The output of {@code node} for new inputs. */
    @SuppressWarnings("unchecked")
    static Tensor run(Graph.Node node, Operand[] in) {
        Map<String, Object> a = node.attributes();
        if (a.get("forward") instanceof Function<?, ?> forward && a.get("rule") instanceof GradientRule rule) {
            return Ops.customGradient(node.op(), Arrays.asList(in), (Function<List<Tensor>, Tensor>) forward, rule);
        }
        Op op = TABLE.get(node.op());
        if (op == null) {
            throw new IllegalStateException("graph: the op '" + node.op() + "' was traced but cannot run again (it belongs to a gradient)");
        }
        return op.run(in, a);
    }

    /** A recorded shape whose first dimension was the batch: the same, with the first dimension inferred. */
    private static int[] followingTheBatch(int[] shape) {
        int[] dims = shape.clone();
        if (dims.length > 0) {
            dims[0] = -1;
        }
        return dims;
    }

    /** A recorded broadcast target, with the first dimension of an input of the same rank kept. */
    private static int[] keepingTheInputsBatch(Operand x, int[] shape) {
        int[] dims = shape.clone();
        if (dims.length > 0 && x.shape().rank() == dims.length) {
            dims[0] = x.shape().dim(0);
        }
        return dims;
    }
}
