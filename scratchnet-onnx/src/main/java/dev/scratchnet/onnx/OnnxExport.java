package dev.scratchnet.onnx;

import dev.scratchnet.graph.Graph;
import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.models.Model;
import dev.scratchnet.onnx.proto.OnnxProto.AttributeProto;
import dev.scratchnet.onnx.proto.OnnxProto.GraphProto;
import dev.scratchnet.onnx.proto.OnnxProto.ModelProto;
import dev.scratchnet.onnx.proto.OnnxProto.NodeProto;
import dev.scratchnet.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorShapeProto;
import dev.scratchnet.onnx.proto.OnnxProto.TypeProto;
import dev.scratchnet.onnx.proto.OnnxProto.ValueInfoProto;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes traced graphs as ONNX (opset 13): the graph's inputs are ONNX inputs with a symbolic batch dimension {@code N},
 * its parameters and constants initializers (parameters under their variables' names), its nodes ONNX nodes, one table
 * row per op. A model is traced at export: {@code OnnxExport.save(model, path)} gives input {@code input}
 * {@code [N, pixels]} and output {@code logits}.
 *
 * <p>The engine's images are NHWC and ONNX's NCHW: window ops transpose in and out. A convolution is one ONNX Conv,
 * whether the engine recorded it as one op (stride 1) or as the windows as rows times the filters (larger strides);
 * {@code extractPatches} alone becomes a convolution with one-hot filters, which copies each window cell exactly.
 */
public final class OnnxExport {
    /** The ONNX operator set the files use. */
    public static final int OPSET = 13;
    private static final int IR_VERSION = 8;

    private final Graph source;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("scratchnet");
    private final Map<Graph.Value, String> names = new HashMap<>();
    private final Set<String> initializers = new HashSet<>();
    private int counter;

    private OnnxExport(Graph source) {
        this.source = source;
    }

    /**
     * Writes {@code model}, traced on one example, to {@code file}: input {@code input}, output {@code logits}.
     *
     * @param model the model, with its current weights
     * @param file  the {@code .onnx} file, written whole or not at all
     * @throws IOException when the file cannot be written
     */
    public static void save(Model model, Path file) throws IOException {
        save(Graph.trace(model.network(), Tensor.zeros(1, model.spec().inputs())), List.of("input"), "logits", file);
    }

    /**
     * Writes a traced graph to {@code file}.
     *
     * @param graph      the graph
     * @param inputNames a name for each of the graph's inputs
     * @param outputName the name of its output
     * @param file       the {@code .onnx} file, written whole or not at all
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException when the graph holds an op that has no ONNX form here (a loss, a custom gradient)
     */
    public static void save(Graph graph, List<String> inputNames, String outputName, Path file) throws IOException {
        byte[] bytes = export(graph, inputNames, outputName).toByteArray();
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    static ModelProto export(Graph source, List<String> inputNames, String outputName) {
        if (inputNames.size() != source.inputs().size()) {
            throw new IllegalArgumentException("onnx export: " + inputNames.size() + " input names for " + source.inputs().size() + " inputs");
        }
        OnnxExport export = new OnnxExport(source);
        for (int i = 0; i < inputNames.size(); i++) {
            Graph.Value in = source.inputs().get(i);
            export.names.put(in, inputNames.get(i));
            export.graph.addInput(valueInfo(inputNames.get(i), in));
        }
        Map<Graph.Node, Convolution> convolutions = Convolution.find(source);
        Set<Graph.Node> folded = new HashSet<>();
        convolutions.values().forEach(c -> folded.addAll(c.parts()));
        for (Graph.Node node : source.nodes()) {
            Convolution conv = convolutions.get(node);
            if (conv != null) {
                export.names.put(node.output(), export.conv(conv));
            } else if (!folded.contains(node)) {
                export.names.put(node.output(), export.node(node));
            }
        }
        export.graph.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(export.name(source.output())).addOutput(outputName));
        export.graph.addOutput(valueInfo(outputName, source.output()));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("scratchnet").setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OPSET)).setGraph(export.graph).build();
    }

    /** The ONNX name of a value; parameters and constants become initializers the first time they are named. */
    private String name(Graph.Value v) {
        String known = names.get(v);
        if (known != null) {
            return known;
        }
        String name = v.kind() == Graph.Kind.PARAMETER ? source.parameter(v).name() : "const_" + v.id();
        Tensor value = v.kind() == Graph.Kind.PARAMETER ? source.parameter(v).value() : source.constant(v);
        names.put(v, name);
        return initializer(name, value);
    }

    private String initializer(String name, Tensor value) {
        if (initializers.add(name)) {
            graph.addInitializer(OnnxTensors.write(name, value));
        }
        return name;
    }

    /** Adds the ONNX nodes of one traced node; returns the name of its output. */
    private String node(Graph.Node node) {
        List<Graph.Value> in = node.inputs();
        Map<String, Object> a = node.attributes();
        String x = name(in.get(0));
        return switch (node.op()) {
            case "add", "sub", "mul", "div", "pow", "maximum", "minimum" -> add(onnxName(node.op()), null, x, name(in.get(1)));
            case "neg", "exp", "log", "sqrt", "relu", "sigmoid", "tanh" -> add(onnxName(node.op()), null, x);
            case "square" -> add("Mul", null, x, x);
            case "softmax", "logSoftmax" -> add(onnxName(node.op()), new AttributeProto[] {integer("axis", -1)}, x);
            case "sum" -> add("ReduceSum", new AttributeProto[] {integer("keepdims", (boolean) a.get("keepDims") ? 1 : 0)}, x,
                    constant(toLongs((int[]) a.get("axes"))));
            case "max" -> add("ReduceMax", new AttributeProto[] {ints("axes", toLongs((int[]) a.get("axes"))),
                    integer("keepdims", (boolean) a.get("keepDims") ? 1 : 0)}, x);
            case "matmul" -> add("MatMul", null, (boolean) a.get("transposeA") ? swapLastTwo(x, in.get(0)) : x,
                    (boolean) a.get("transposeB") ? swapLastTwo(name(in.get(1)), in.get(1)) : name(in.get(1)));
            case "transpose" -> add("Transpose", new AttributeProto[] {ints("perm", toLongs((int[]) a.get("perm")))}, x);
            case "reshape" -> add("Reshape", null, x, constant(followingTheBatch((int[]) a.get("shape"))));
            case "cast" -> add("Cast", new AttributeProto[] {integer("to", OnnxTensors.onnxType((DType) a.get("dtype")))}, x);
            case "divScalar" -> add("Div", null, add("Cast", new AttributeProto[] {integer("to", OnnxTensors.onnxType(node.output().dtype()))}, x),
                    initializer("const_" + node.output().id(), Tensor.scalar((double) a.get("divisor"), node.output().dtype())));
            case "concat" -> add("Concat", new AttributeProto[] {integer("axis", (int) a.get("axis"))},
                    in.stream().map(this::name).toArray(String[]::new));
            case "narrow" -> add("Slice", null, x, constant((int) a.get("start")), constant((int) a.get("start") + (int) a.get("length")),
                    constant((int) a.get("axis")));
            case "gather" -> add("Gather", new AttributeProto[] {integer("axis", (int) a.get("axis"))}, x, name(in.get(1)));
            case "checkNumerics" -> add("Identity", null, x);
            case "extractPatches" -> patches(x, in.get(0), a);
            case "conv2d" -> conv2d(x, in.get(1), in.size() > 2 ? name(in.get(2)) : null, a);
            case "maxPool2d" -> maxPool(x, in.get(0), a);
            case "conv2dMaxPool" -> maxPool(conv2d(x, in.get(1), in.size() > 2 ? name(in.get(2)) : null, a), (int) a.get("size"), (int) a.get("size"),
                    new long[] {0, 0}, new long[] {0, 0});
            default -> throw new IllegalArgumentException("onnx export: the op '" + node.op() + "' has no ONNX form here (it is a loss, a custom "
                    + "gradient or part of a gradient); export the model's inference pass");
        };
    }

    private static String onnxName(String op) {
        return switch (op) {
            case "maximum" -> "Max";
            case "minimum" -> "Min";
            case "logSoftmax" -> "LogSoftmax";
            default -> Character.toUpperCase(op.charAt(0)) + op.substring(1);
        };
    }

    /** {@code x} with its last two axes swapped, for a product's transposed operand. */
    private String swapLastTwo(String x, Graph.Value v) {
        int rank = v.shape().rank();
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return add("Transpose", new AttributeProto[] {ints("perm", perm)}, x);
    }

    /** Top, bottom padding of one spatial axis under TensorFlow's SAME rule (the extra cell after), or none for VALID. */
    private static long[] samePads(int size, int window, int stride, Nn.Padding padding) {
        if (padding == Nn.Padding.VALID) {
            return new long[] {0, 0};
        }
        long out = (size + stride - 1) / stride;
        long total = Math.max(0, (out - 1) * stride + window - size);
        return new long[] {total / 2, total - total / 2};
    }

    /**
     * The windows of an NHWC batch as rows: a convolution whose filter {@code (i·kw + j)·C + c} picks channel c at window
     * cell (i, j), between transposes to NCHW and back; padding cells hold {@code pad}.
     */
    private String patches(String x, Graph.Value image, Map<String, Object> a) {
        int kh = (int) a.get("kh"), kw = (int) a.get("kw"), sh = (int) a.get("strideH"), sw = (int) a.get("strideW");
        int h = image.shape().dim(1), w = image.shape().dim(2), c = image.shape().dim(3);
        Nn.Padding padding = (Nn.Padding) a.get("padding");
        long[] ph = samePads(h, kh, sh, padding), pw = samePads(w, kw, sw, padding);
        String nchw = add("Transpose", new AttributeProto[] {ints("perm", 0, 3, 1, 2)}, x);
        if (ph[0] + ph[1] + pw[0] + pw[1] > 0) {
            nchw = add("Pad", null, nchw, constant(0, 0, ph[0], pw[0], 0, 0, ph[1], pw[1]),
                    initializer("const_" + counter++ + "_pad", Tensor.scalar((double) a.get("pad"), image.dtype())));
        }
        float[] oneHot = new float[kh * kw * c * c * kh * kw];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int ch = 0; ch < c; ch++) {
                    int out = (i * kw + j) * c + ch;
                    oneHot[((out * c + ch) * kh + i) * kw + j] = 1;
                }
            }
        }
        String filters = initializer("patches_" + kh + "x" + kw + "x" + c + "_" + image.dtype(), Tensor.of(oneHot, kh * kw * c, c, kh, kw).cast(image.dtype()));
        String windows = add("Conv", new AttributeProto[] {ints("kernel_shape", kh, kw), ints("strides", sh, sw)}, nchw, filters);
        return add("Transpose", new AttributeProto[] {ints("perm", 0, 2, 3, 1)}, windows);
    }

    private String maxPool(String x, Graph.Value image, Map<String, Object> a) {
        int size = (int) a.get("size"), stride = (int) a.get("stride");
        Nn.Padding padding = (Nn.Padding) a.get("padding");
        return maxPool(x, size, stride, samePads(image.shape().dim(1), size, stride, padding), samePads(image.shape().dim(2), size, stride, padding));
    }

    /** One ONNX MaxPool between transposes to NCHW and back, with the rows' and columns' pads before and after. */
    private String maxPool(String x, int size, int stride, long[] ph, long[] pw) {
        String nchw = add("Transpose", new AttributeProto[] {ints("perm", 0, 3, 1, 2)}, x);
        String pooled = add("MaxPool", new AttributeProto[] {ints("kernel_shape", size, size), ints("strides", stride, stride),
                ints("pads", ph[0], pw[0], ph[1], pw[1])}, nchw);
        return add("Transpose", new AttributeProto[] {ints("perm", 0, 2, 3, 1)}, pooled);
    }

    /**
     * A convolution with strides over 1 as {@code Nn.conv2d} computes it: the windows as rows ({@code extractPatches}, reshaped to a matrix)
     * times the filters of a parameter reshaped to {@code [kh·kw·in, out]}, reshaped back to an image. Written as one ONNX
     * Conv, not as the copy of every window that {@code extractPatches} alone becomes.
     *
     * @param patches the extractPatches node
     * @param filters the parameter, {@code [kh, kw, in, out]}
     * @param output  the last reshape, whose value the Conv gives
     * @param parts   the nodes the Conv replaces
     */
    private record Convolution(Graph.Node patches, Graph.Value filters, Graph.Node output, List<Graph.Node> parts) {
        /** Every such chain of the graph whose intermediate values nothing else reads, by its last node. */
        static Map<Graph.Node, Convolution> find(Graph graph) {
            Map<Graph.Value, List<Graph.Node>> readers = new HashMap<>();
            Map<Graph.Value, Graph.Node> producers = new HashMap<>();
            for (Graph.Node node : graph.nodes()) {
                producers.put(node.output(), node);
                for (Graph.Value in : node.inputs()) {
                    readers.computeIfAbsent(in, v -> new java.util.ArrayList<>()).add(node);
                }
            }
            Map<Graph.Node, Convolution> found = new HashMap<>();
            for (Graph.Node patches : graph.nodes()) {
                if (!patches.op().equals("extractPatches") || (double) patches.attributes().get("pad") != 0) {
                    continue;
                }
                Graph.Node rows = only(readers, patches.output(), graph), product = rows == null ? null : only(readers, rows.output(), graph);
                Graph.Node image = product == null ? null : only(readers, product.output(), graph);
                if (rows == null || !rows.op().equals("reshape") || product == null || !product.op().equals("matmul")
                        || product.inputs().get(0) != rows.output() || (boolean) product.attributes().get("transposeA")
                        || (boolean) product.attributes().get("transposeB") || image == null || !image.op().equals("reshape")
                        || image.output().shape().rank() != 4) {
                    continue;
                }
                Graph.Node matrix = producers.get(product.inputs().get(1));
                if (matrix == null || !matrix.op().equals("reshape") || matrix.inputs().get(0).kind() != Graph.Kind.PARAMETER
                        || matrix.inputs().get(0).shape().rank() != 4 || readers.get(matrix.output()).size() != 1) {
                    continue;
                }
                found.put(image, new Convolution(patches, matrix.inputs().get(0), image, List.of(patches, rows, matrix, product)));
            }
            return found;
        }

        /** The one node that reads {@code v}, or null when others (or the graph's output) read it too. */
        private static Graph.Node only(Map<Graph.Value, List<Graph.Node>> readers, Graph.Value v, Graph graph) {
            List<Graph.Node> r = readers.get(v);
            return r != null && r.size() == 1 && graph.output() != v ? r.get(0) : null;
        }
    }

    /** The convolution a chain of extractPatches and a product computes: one ONNX Conv. */
    private String conv(Convolution c) {
        Map<String, Object> a = c.patches().attributes();
        Graph.Value image = c.patches().inputs().get(0);
        int kh = (int) a.get("kh"), kw = (int) a.get("kw"), sh = (int) a.get("strideH"), sw = (int) a.get("strideW");
        Nn.Padding padding = (Nn.Padding) a.get("padding");
        long[] ph = samePads(image.shape().dim(1), kh, sh, padding), pw = samePads(image.shape().dim(2), kw, sw, padding);
        return conv(name(image), c.filters(), null, sh, sw, ph[0], pw[0], ph[1], pw[1]);
    }

    /** A stride-1 convolution with explicit padding and a bias or none ({@code Nn.conv2d}'s primitive): one ONNX Conv. */
    private String conv2d(String image, Graph.Value filters, String bias, Map<String, Object> a) {
        long top = (int) a.get("padTop"), left = (int) a.get("padLeft"), bottom = (int) a.get("padBottom"), right = (int) a.get("padRight");
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("onnx export: a convolution that crops its input (pads " + top + ", " + left + ", " + bottom
                    + ", " + right + ") has no ONNX Conv form");
        }
        return conv(image, filters, bias, 1, 1, top, left, bottom, right);
    }

    /**
     * One ONNX Conv between transposes to NCHW and back. The filters, {@code [kh, kw, in, out]} here, become ONNX's
     * {@code [out, in, kh, kw]}: a parameter's stored so under its name, other values transposed by a node.
     */
    private String conv(String image, Graph.Value filters, String bias, int sh, int sw, long top, long left, long bottom, long right) {
        int kh = filters.shape().dim(0), kw = filters.shape().dim(1);
        String w = filters.kind() == Graph.Kind.PARAMETER
                ? initializer(source.parameter(filters).name(), Ops.transpose(source.parameter(filters).value(), 3, 2, 0, 1))
                : add("Transpose", new AttributeProto[] {ints("perm", 3, 2, 0, 1)}, name(filters));
        String nchw = add("Transpose", new AttributeProto[] {ints("perm", 0, 3, 1, 2)}, image);
        AttributeProto[] attributes = {ints("kernel_shape", kh, kw), ints("strides", sh, sw), ints("pads", top, left, bottom, right)};
        String y = bias == null ? add("Conv", attributes, nchw, w) : add("Conv", attributes, nchw, w, bias);
        return add("Transpose", new AttributeProto[] {ints("perm", 0, 2, 3, 1)}, y);
    }

    /** A recorded shape with its first dimension left to follow the batch, as a graph's replay does. */
    private static long[] followingTheBatch(int[] shape) {
        long[] dims = toLongs(shape);
        if (dims.length > 0) {
            dims[0] = -1;
        }
        return dims;
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private String constant(long... values) {
        return initializer("const_" + counter++ + "_" + values.length, Tensor.of(values));
    }

    /** Adds a node of one output, named after the operator and a counter; returns the output's name. */
    private String add(String op, AttributeProto[] attributes, String... inputs) {
        String output = op.toLowerCase() + "_" + counter++;
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        if (attributes != null) {
            for (AttributeProto a : attributes) {
                node.addAttribute(a);
            }
        }
        graph.addNode(node);
        return output;
    }

    /** An INTS attribute. */
    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** An INT attribute. */
    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A value's type: its dtype and shape, the batch dimension named {@code N}. */
    private static ValueInfoProto valueInfo(String name, Graph.Value v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        int[] dims = v.shape().dims();
        for (int i = 0; i < dims.length; i++) {
            shape.addDim(i == 0 && v.batched() ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(OnnxTensors.onnxType(v.dtype())).setShape(shape))).build();
    }
}
