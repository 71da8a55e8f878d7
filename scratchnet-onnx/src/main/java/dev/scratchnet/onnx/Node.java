package dev.scratchnet.onnx;

import dev.scratchnet.onnx.proto.OnnxProto.AttributeProto;
import dev.scratchnet.onnx.proto.OnnxProto.NodeProto;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One node of an ONNX graph, with typed access to its attributes and a name for errors. */
record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, AttributeProto> attributes) {
    static Node of(NodeProto proto, int index) {
        String name = proto.getName().isEmpty() ? proto.getOpType() + "_" + index : proto.getName();
        return new Node(name, proto.getOpType(), List.copyOf(proto.getInputList()), List.copyOf(proto.getOutputList()),
                proto.getAttributeList().stream().collect(Collectors.toMap(AttributeProto::getName, Function.identity(), (a, b) -> b)));
    }

    /** How errors name this node: {@code node 'conv1' (Conv)}. */
    String describe() {
        return "node '" + name + "' (" + opType + ")";
    }

    long i(String attribute, long otherwise) {
        AttributeProto a = attributes.get(attribute);
        return a == null ? otherwise : a.getI();
    }

    float f(String attribute, float otherwise) {
        AttributeProto a = attributes.get(attribute);
        return a == null ? otherwise : a.getF();
    }

    String s(String attribute, String otherwise) {
        AttributeProto a = attributes.get(attribute);
        return a == null ? otherwise : a.getS().toStringUtf8();
    }

    /** An INTS attribute, or {@code otherwise} when the node does not give it. */
    long[] ints(String attribute, long[] otherwise) {
        AttributeProto a = attributes.get(attribute);
        return a == null ? otherwise : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    AttributeProto attribute(String attribute) {
        return attributes.get(attribute);
    }

    /** Input {@code k}, or null when the node leaves that optional input out. */
    String input(int k) {
        return k < inputs.size() && !inputs.get(k).isEmpty() ? inputs.get(k) : null;
    }
}
