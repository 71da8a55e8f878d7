package dev.scratchnet.graph;

import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.Operand;
import dev.scratchnet.op.Recorder;
import dev.scratchnet.op.Recording;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A function traced into a graph of ops, like {@code torch.jit.trace} (and the graph {@code tf.function} builds):
 * {@link #trace} runs the function once on example inputs and records every op it runs, with its attributes, its
 * inputs and its output. The graph then runs again on new inputs, giving what the function gives, bit for bit, and a
 * gradient tape differentiates through it, since it runs the same public ops; exporters read it node by node.
 *
 * <p>What a trace keeps, as {@code torch.jit.trace} does: Java control flow is unrolled (an {@code if} or a loop runs
 * once, at trace time, and the graph holds the ops of the branch taken); tensors the function makes without an input
 * (constants, a dropout mask) are constants of the graph; ops whose results are integers or booleans (comparisons,
 * argmax) are not recorded, so their results are constants too. The first dimension of every input is the batch: the
 * graph runs on any batch size, reshapes keeping every dimension but the first, which follows the batch.
 *
 * <p>Thread safety: a graph is immutable; it may run on many threads at once.
 */
public final class Graph {
    /** Where a value of the graph comes from. */
    public enum Kind {
        /** An input of the traced function. */
        INPUT,
        /** A variable the function read: a parameter of the model. */
        PARAMETER,
        /** A tensor the function used without computing it from an input or a parameter. */
        CONSTANT,
        /** The output of a node. */
        NODE
    }

    /**
     * A value of the graph.
     *
     * @param id       its number, unique in the graph
     * @param kind     where it comes from
     * @param index    the input's position, the node's position, or -1
     * @param dtype    its element type
     * @param shape    its shape at trace time
     * @param batched  whether its first dimension is the batch (it depends on an input whose first dimension it keeps)
     */
    public record Value(int id, Kind kind, int index, DType dtype, Shape shape, boolean batched) {
        /** @return the shape, with {@code N} for a batch dimension */
        public String describeShape() {
            String dims = Arrays.toString(shape.dims());
            return batched && shape.rank() > 0 ? "[N" + dims.substring(dims.indexOf(',') < 0 ? dims.length() - 1 : dims.indexOf(',')) : dims;
        }
    }

    /**
     * One recorded op.
     *
     * @param op         the op's name, as {@code Ops} and {@code Nn} name their methods
     * @param attributes the op's arguments that are not tensors
     * @param inputs     the values it read
     * @param output     the value it computed
     */
    public record Node(String op, Map<String, Object> attributes, List<Value> inputs, Value output) {
    }

    private final List<Value> inputs;
    private final List<Node> nodes;
    private final Map<Value, Variable> parameters;
    private final Map<Value, Tensor> constants;
    private final Value output;

    private Graph(List<Value> inputs, List<Node> nodes, Map<Value, Variable> parameters, Map<Value, Tensor> constants, Value output) {
        this.inputs = List.copyOf(inputs);
        this.nodes = List.copyOf(nodes);
        this.parameters = parameters;
        this.constants = constants;
        this.output = output;
    }

    /**
     * Runs {@code fn} once on {@code exampleInputs} and records what it computes.
     *
     * @param fn            the function, of tensors to one tensor
     * @param exampleInputs inputs to trace it with; their first dimension is the batch
     * @return the graph of the ops {@code fn} ran
     */
    public static Graph trace(Function<List<Tensor>, Tensor> fn, List<Tensor> exampleInputs) {
        Tracer tracer = new Tracer(exampleInputs);
        Recording.start(tracer);
        Tensor result;
        try {
            result = fn.apply(exampleInputs);
        } finally {
            Recording.stop(tracer);
        }
        return new Graph(tracer.inputs, tracer.nodes, tracer.parameters, tracer.constants, tracer.valueOf(result));
    }

    /**
     * Traces a layer's inference pass ({@code training} false).
     *
     * @param layer   the layer or model
     * @param example an example batch
     * @return the graph of the layer's ops
     */
    public static Graph trace(Layer layer, Tensor example) {
        return trace(x -> layer.apply(x.get(0), false), List.of(example));
    }

    /**
     * Runs the graph on new inputs, of any batch size, through the engine's public ops (so a tape records it).
     *
     * @param in one tensor per traced input, of its dtype and its shape but for the first dimension
     * @return what the traced function gives for them
     */
    public Tensor run(List<Tensor> in) {
        if (in.size() != inputs.size()) {
            throw new IllegalArgumentException("graph: takes " + inputs.size() + " inputs, got " + in.size());
        }
        Operand[] values = new Operand[nodes.size()];
        Operand result = valueFor(output, in, values);
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            Operand[] args = new Operand[node.inputs().size()];
            for (int k = 0; k < args.length; k++) {
                args[k] = valueFor(node.inputs().get(k), in, values);
            }
            values[i] = Replay.run(node, args);
        }
        return output.kind() == Kind.NODE ? values[output.index()].value() : result.value();
    }

    /**
     * Runs the graph on one input.
     *
     * @param input the input
     * @return what the traced function gives for it
     */
    public Tensor run(Tensor input) {
        return run(List.of(input));
    }

    private Operand valueFor(Value v, List<Tensor> in, Operand[] computed) {
        return switch (v.kind()) {
            case INPUT -> in.get(v.index());
            case PARAMETER -> parameters.get(v);
            case CONSTANT -> constants.get(v);
            case NODE -> computed[v.index()];
        };
    }

    /** @return the traced inputs, in order */
    public List<Value> inputs() {
        return inputs;
    }

    /** @return the nodes, in the order they ran */
    public List<Node> nodes() {
        return nodes;
    }

    /** @return the value the graph gives */
    public Value output() {
        return output;
    }

    /**
     * The variable behind a parameter value.
     *
     * @param value a value of kind {@link Kind#PARAMETER}
     * @return the variable
     */
    public Variable parameter(Value value) {
        return parameters.get(value);
    }

    /**
     * The tensor behind a constant value.
     *
     * @param value a value of kind {@link Kind#CONSTANT}
     * @return the tensor
     */
    public Tensor constant(Value value) {
        return constants.get(value);
    }

    /** @return the variables the graph reads, in the order it first read them */
    public List<Variable> parameters() {
        return List.copyOf(parameters.values());
    }

    /** @return the graph node by node: {@code %3 = matmul(%0, W1) {transposeA=false, transposeB=false} : float32[N, 128]} */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("graph(");
        for (Value in : inputs) {
            out.append(in.index() == 0 ? "" : ", ").append('%').append(in.id()).append(": ").append(in.dtype()).append(in.describeShape());
        }
        out.append(")\n");
        for (Node node : nodes) {
            out.append("  %").append(node.output().id()).append(" = ").append(node.op()).append('(');
            for (int k = 0; k < node.inputs().size(); k++) {
                out.append(k == 0 ? "" : ", ").append(name(node.inputs().get(k)));
            }
            out.append(')');
            if (!node.attributes().isEmpty()) {
                out.append(' ').append(describe(node.attributes()));
            }
            out.append(" : ").append(node.output().dtype()).append(node.output().describeShape()).append('\n');
        }
        return out.append("  return ").append(name(output)).append('\n').toString();
    }

    private String name(Value v) {
        return switch (v.kind()) {
            case PARAMETER -> parameters.get(v).name();
            case CONSTANT -> "const " + v.dtype() + Arrays.toString(v.shape().dims());
            default -> "%" + v.id();
        };
    }

    private static String describe(Map<String, Object> attributes) {
        Map<String, String> shown = new LinkedHashMap<>();
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> shown.put(e.getKey(),
                e.getValue() instanceof int[] a ? Arrays.toString(a) : e.getValue() instanceof Function<?, ?> || e.getKey().equals("rule")
                        ? "(code)" : String.valueOf(e.getValue())));
        return shown.toString();
    }

    /** Hears the ops of one trace and numbers their values. */
    private static final class Tracer implements Recorder {
        final List<Value> inputs = new ArrayList<>();
        final List<Node> nodes = new ArrayList<>();
        final Map<Value, Variable> parameters = new LinkedHashMap<>();
        final Map<Value, Tensor> constants = new LinkedHashMap<>();
        private final Map<Tensor, Value> values = new IdentityHashMap<>();
        private int next;

        Tracer(List<Tensor> examples) {
            for (Tensor t : examples) {
                Value v = new Value(next++, Kind.INPUT, inputs.size(), t.dtype(), t.shape(), t.rank() > 0);
                inputs.add(v);
                values.put(t, v);
            }
        }

        @Override
        public void variableRead(Variable variable, Tensor value) {
            if (!values.containsKey(value)) {
                Value v = new Value(next++, Kind.PARAMETER, -1, value.dtype(), value.shape(), false);
                values.put(value, v);
                parameters.put(v, variable);
            }
        }

        @Override
        public void record(String op, Map<String, Object> attributes, Tensor[] in, Tensor output, dev.scratchnet.op.GradientRule rule) {
            List<Value> args = new ArrayList<>();
            boolean batched = false;
            for (Tensor t : in) {
                Value v = valueOf(t);
                args.add(v);
                batched |= v.batched() && output.rank() > 0 && t.rank() > 0 && output.dim(0) == t.dim(0);
            }
            if (op.equals("reshape") || op.equals("concat") && !Integer.valueOf(0).equals(attributes.get("axis"))) {
                batched = args.stream().anyMatch(Value::batched) && output.rank() > 0;
            }
            Value out = new Value(next++, Kind.NODE, nodes.size(), output.dtype(), output.shape(), batched);
            nodes.add(new Node(op, attributes, args, out));
            values.put(output, out);
        }

        /** The value a tensor is: traced before, or else a constant. */
        Value valueOf(Tensor t) {
            return values.computeIfAbsent(t, tensor -> {
                Value v = new Value(next++, Kind.CONSTANT, -1, tensor.dtype(), tensor.shape(), false);
                constants.put(v, tensor);
                return v;
            });
        }

        @Override
        public boolean follows(Tensor tensor) {
            return false;
        }
    }
}
