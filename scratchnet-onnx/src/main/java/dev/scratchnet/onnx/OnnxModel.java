package dev.scratchnet.onnx;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.onnx.proto.OnnxProto.GraphProto;
import dev.scratchnet.onnx.proto.OnnxProto.ModelProto;
import dev.scratchnet.onnx.proto.OnnxProto.NodeProto;
import dev.scratchnet.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorShapeProto;
import dev.scratchnet.onnx.proto.OnnxProto.ValueInfoProto;
import dev.scratchnet.op.Operand;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An ONNX model running on the scratchnet engine. Its float initializers are {@link Variable}s, so a
 * {@code GradientTape} differentiates through the model and an optimizer trains it; the other initializers (shapes,
 * indices) are constants. As a {@link Layer}, it takes a batch of rows and reshapes each to the single input the model
 * declares ({@code [N, 784]} fed to a model of input {@code [N, 1, 28, 28]}, say), and gives its first output.
 *
 * <p>Thread safety: running the model (from any number of threads) only reads it; training it is for one thread.
 */
public final class OnnxModel implements Layer {
    /** A graph input that is not an initializer: its name, element type and dimensions (-1 where symbolic, as the batch). */
    public record Input(String name, DType dtype, int[] dims) {
        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(dims).replace("-1", "N");
        }
    }

    private final ModelProto proto;
    private final Path file;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> constants = new HashMap<>();
    private final Map<String, Variable> variables = new LinkedHashMap<>();
    private final List<Input> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    OnnxModel(ModelProto proto, Path file) throws IOException {
        this.proto = proto;
        this.file = file;
        Path folder = file.toAbsolutePath().getParent();
        for (OperatorSetIdProto opset : proto.getOpsetImportList()) {
            if (!isDefaultDomain(opset.getDomain())) {
                throw new FileFormatException(file, -1, "imports the operator set '" + opset.getDomain() + "'; supported: the default ONNX operators");
            }
        }
        GraphProto graph = proto.getGraph();
        Set<String> defined = new HashSet<>();
        for (TensorProto init : graph.getInitializerList()) {
            Tensor value = OnnxTensors.read(init, "initializer '" + init.getName() + "'", file, folder);
            if (value.dtype().isFloating()) {
                variables.put(init.getName(), new Variable(value, init.getName()));
            } else {
                constants.put(init.getName(), value);
            }
            defined.add(init.getName());
        }
        for (ValueInfoProto in : graph.getInputList()) {
            if (!defined.contains(in.getName())) {
                inputs.add(input(in));
                defined.add(in.getName());
            }
        }
        if (inputs.isEmpty() || graph.getOutputCount() == 0) {
            throw new FileFormatException(file, -1, "has " + inputs.size() + " inputs and " + graph.getOutputCount() + " outputs; a model needs at least one of each");
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto p = graph.getNode(i);
            Node node = Node.of(p, i);
            if (!isDefaultDomain(p.getDomain()) || Operators.get(node.opType()) == null) {
                throw new FileFormatException(file, -1, node.describe() + (isDefaultDomain(p.getDomain()) ? "" : " of domain '" + p.getDomain() + "'")
                        + " is not supported; supported: " + String.join(", ", Operators.supported()));
            }
            for (String name : node.inputs()) {
                if (!name.isEmpty() && !defined.contains(name)) {
                    throw new FileFormatException(file, -1, node.describe() + " reads '" + name + "', which no input, initializer or earlier node gives"
                            + " (a dangling input, or a cycle)");
                }
            }
            for (String name : node.outputs()) {
                if (!name.isEmpty() && !defined.add(name)) {
                    throw new FileFormatException(file, -1, node.describe() + " writes '" + name + "', which is already defined");
                }
            }
            if (node.opType().equals("Constant")) {
                constants.put(node.outputs().get(0), node.attribute("value") != null
                        ? OnnxTensors.read(node.attribute("value").getT(), node.describe() + "'s value", file, folder)
                        : run(node, new Operand[0])[0]);
            } else {
                nodes.add(node);
            }
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            if (!defined.contains(out.getName())) {
                throw new FileFormatException(file, -1, "output '" + out.getName() + "' is given by no node");
            }
            outputs.add(out.getName());
        }
        tryOnce();
    }

    private static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    private Input input(ValueInfoProto info) throws FileFormatException {
        if (!info.getType().hasTensorType()) {
            throw new FileFormatException(file, -1, "input '" + info.getName() + "' is not a tensor");
        }
        DType dtype = OnnxTensors.dtype(info.getType().getTensorType().getElemType());
        if (dtype == null) {
            throw new FileFormatException(file, -1, "input '" + info.getName() + "' has ONNX element type " + info.getType().getTensorType().getElemType()
                    + "; supported: float, double, int32, int64, uint8, bool");
        }
        List<TensorShapeProto.Dimension> shape = info.getType().getTensorType().getShape().getDimList();
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            long d = shape.get(i).hasDimValue() ? shape.get(i).getDimValue() : -1;
            if (d < -1 || d > Integer.MAX_VALUE) {
                throw new FileFormatException(file, -1, "input '" + info.getName() + "' declares dimension " + d);
            }
            dims[i] = (int) d;
        }
        return new Input(info.getName(), dtype, dims);
    }

    /** Runs the model once on a batch of one zero example, so that an unsupported attribute shows when the model is loaded. */
    private void tryOnce() throws FileFormatException {
        Map<String, Tensor> feeds = new HashMap<>();
        for (Input in : inputs) {
            int[] dims = in.dims().clone();
            long symbolic = Arrays.stream(dims).filter(d -> d < 0).count();
            if (symbolic > 1 || (symbolic == 1 && dims[0] >= 0)) {
                return;
            }
            dims[0] = Math.max(dims[0], 1);
            feeds.put(in.name(), Tensor.zeros(in.dtype(), dims));
        }
        try {
            run(feeds);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, -1, e.getMessage());
        }
    }

    /**
     * The graph inputs the caller feeds (initializers excluded).
     *
     * @return the inputs, in the graph's order
     */
    public List<Input> inputs() {
        return List.copyOf(inputs);
    }

    /**
     * Whether the first output is a probability distribution (the graph ends in Softmax) rather than logits.
     *
     * @return true when the node that gives the first output is a Softmax
     */
    public boolean outputsProbabilities() {
        for (Node node : nodes) {
            if (node.outputs().contains(outputs.get(0))) {
                return node.opType().equals("Softmax");
            }
        }
        return false;
    }

    /** @return the names of the graph's outputs, in order */
    public List<String> outputs() {
        return List.copyOf(outputs);
    }

    /** @return the float initializers as trainable variables, in the graph's order */
    @Override
    public List<Variable> variables() {
        return List.copyOf(variables.values());
    }

    /**
     * Runs the graph.
     *
     * @param feeds a tensor for every input, by name
     * @return every output, by name
     * @throws IllegalArgumentException naming the node, when a node cannot run on what it is given
     */
    public Map<String, Tensor> run(Map<String, Tensor> feeds) {
        Map<String, Operand> values = new HashMap<>(constants);
        values.putAll(variables);
        for (Input in : inputs) {
            Tensor t = feeds.get(in.name());
            if (t == null) {
                throw new IllegalArgumentException(file + ": input '" + in.name() + "' was not given");
            }
            values.put(in.name(), t);
        }
        for (Node node : nodes) {
            Operand[] args = new Operand[node.inputs().size()];
            for (int k = 0; k < args.length; k++) {
                args[k] = node.input(k) == null ? null : values.get(node.input(k));
            }
            Tensor[] results = run(node, args);
            for (int k = 0; k < node.outputs().size() && k < results.length; k++) {
                values.put(node.outputs().get(k), results[k]);
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : outputs) {
            out.put(name, values.get(name).value());
        }
        return out;
    }

    private Tensor[] run(Node node, Operand[] args) {
        try {
            return Operators.get(node.opType()).apply(node, args);
        } catch (Operators.Unsupported e) {
            throw new IllegalArgumentException(file + ": " + node.describe() + " has " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + node.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first output for a batch fed to the first input, each row reshaped to that input's declared dimensions.
     *
     * @param x        a batch {@code [N, ...]} whose rows hold as many values as one example of the input
     * @param training unused: ONNX graphs for inference have no training behaviour (dropout is the identity)
     * @return the model's first output
     */
    @Override
    public Tensor apply(Tensor x, boolean training) {
        Input in = inputs.get(0);
        int[] dims = in.dims().clone();
        if (dims.length > 0) {
            dims[0] = x.dim(0);
        }
        Tensor fed = x.dtype() == in.dtype() ? x : x.cast(in.dtype());
        return run(Map.of(in.name(), fed.reshape(dims))).get(outputs.get(0));
    }

    /**
     * Writes the model as it is now: the same graph, with each float initializer holding its variable's current values
     * (after fine-tuning, say).
     *
     * @param target the {@code .onnx} file to write, whole or not at all
     * @throws IOException when the file cannot be written
     */
    public void save(Path target) throws IOException {
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            Variable v = variables.get(graph.getInitializer(i).getName());
            if (v != null) {
                graph.setInitializer(i, OnnxTensors.write(v.name(), v.value()));
            }
        }
        byte[] bytes = proto.toBuilder().setGraph(graph).build().toByteArray();
        AtomicFiles.write(target, out -> out.write(bytes));
    }

    /** @return the inputs, the outputs and how many nodes of each operator the graph holds */
    @Override
    public String toString() {
        Map<String, Integer> ops = new TreeMap<>();
        for (Node n : nodes) {
            ops.merge(n.opType(), 1, Integer::sum);
        }
        long parameters = variables.values().stream().mapToLong(v -> v.shape().size()).sum();
        return "ONNX model " + inputs + " -> " + outputs + ", " + parameters + " parameters, " + ops;
    }
}
