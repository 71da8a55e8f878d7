package dev.scratchnet.onnx;

import dev.scratchnet.autodiff.GradientCheck;
import dev.scratchnet.onnx.proto.OnnxProto.AttributeProto;
import dev.scratchnet.onnx.proto.OnnxProto.GraphProto;
import dev.scratchnet.onnx.proto.OnnxProto.ModelProto;
import dev.scratchnet.onnx.proto.OnnxProto.NodeProto;
import dev.scratchnet.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorShapeProto;
import dev.scratchnet.onnx.proto.OnnxProto.TypeProto;
import dev.scratchnet.onnx.proto.OnnxProto.ValueInfoProto;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.scratchnet.onnx.OnnxExport.integer;
import static dev.scratchnet.onnx.OnnxExport.ints;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every differentiable operator, as a one-node float64 ONNX graph with its attributes set away from their defaults,
 * checked against central finite differences through the tape: the gradients that fine-tuning an imported model uses.
 */
class OperatorGradientsTest {
    @TempDir
    Path dir;
    private final Generator random = Generator.fromSeed(3);

    private static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static ValueInfoProto input(String name, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.DOUBLE_VALUE).setShape(shape))).build();
    }

    /** Checks the gradient of one node, for the float64 inputs of the given shapes, and int64 constants given as initializers. */
    private void check(String op, List<AttributeProto> attributes, Map<String, long[]> constants, int[]... shapes) throws Exception {
        GraphProto.Builder graph = GraphProto.newBuilder();
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(op).addOutput("y").addAllAttribute(attributes);
        List<Tensor> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            graph.addInput(input("x" + i, shapes[i]));
            node.addInput("x" + i);
            names.add("x" + i);
            values.add(random.uniform(shapes[i], 0.2, 1.8, DType.FLOAT64));
        }
        for (Map.Entry<String, long[]> c : constants.entrySet()) {
            graph.addInitializer(OnnxTensors.write(c.getKey(), Tensor.of(c.getValue())));
            node.addInput(c.getKey());
        }
        graph.addNode(node).addOutput(ValueInfoProto.newBuilder().setName("y"));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Path file = Files.write(dir.resolve(op + ".onnx"), model.toByteArray());
        OnnxModel onnx = Onnx.load(file);
        Tensor weights = random.uniform(onnx.run(feeds(names, values)).get("y").shape().dims(), -1, 1, DType.FLOAT64);
        GradientCheck.Result r = GradientCheck.check(x -> Ops.sum(Ops.mul(onnx.run(feeds(names, x)).get("y"), weights)), values);
        assertTrue(r.maxError() < 1e-6, op + ": " + r);
    }

    private static Map<String, Tensor> feeds(List<String> names, List<Tensor> values) {
        Map<String, Tensor> feeds = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            feeds.put(names.get(i), values.get(i));
        }
        return feeds;
    }

    /** Named constants in the order given, which is the order of the node's inputs after the float ones. */
    private static Map<String, long[]> ordered(Object... namesAndValues) {
        Map<String, long[]> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], (long[]) namesAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void convolutionsAndPooling() throws Exception {
        check("Conv", List.of(ints("strides", 2, 1), ints("pads", 1, 0, 2, 1)), Map.of(), new int[] {2, 3, 6, 5}, new int[] {4, 3, 3, 2}, new int[] {4});
        check("MaxPool", List.of(ints("kernel_shape", 3, 2), ints("strides", 2, 2), ints("pads", 1, 0, 1, 0)), Map.of(), new int[] {2, 3, 6, 6});
        check("MaxPool", List.of(ints("kernel_shape", 2, 2), ints("strides", 2, 2)), Map.of(), new int[] {1, 2, 4, 6});
        check("AveragePool", List.of(ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)), Map.of(), new int[] {2, 2, 5, 5});
        check("AveragePool", List.of(ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), integer("count_include_pad", 1)), Map.of(),
                new int[] {1, 2, 4, 4});
        check("GlobalAveragePool", List.of(), Map.of(), new int[] {2, 3, 4, 5});
        check("BatchNormalization", List.of(real("epsilon", 1e-3f)), Map.of(), new int[] {2, 3, 4, 4}, new int[] {3}, new int[] {3}, new int[] {3},
                new int[] {3});
    }

    @Test
    void productsAndActivations() throws Exception {
        check("Gemm", List.of(integer("transA", 1), integer("transB", 1), real("alpha", 0.5f), real("beta", 2f)), Map.of(),
                new int[] {4, 3}, new int[] {5, 4}, new int[] {5});
        check("MatMul", List.of(), Map.of(), new int[] {2, 3, 4}, new int[] {4, 2});
        check("LeakyRelu", List.of(real("alpha", 0.2f)), Map.of(), new int[] {3, 4});
        check("Softmax", List.of(integer("axis", -1)), Map.of(), new int[] {3, 4});
        check("LogSoftmax", List.of(integer("axis", 1)), Map.of(), new int[] {3, 4});
        check("Sigmoid", List.of(), Map.of(), new int[] {3, 4});
        check("Tanh", List.of(), Map.of(), new int[] {3, 4});
        check("Div", List.of(), Map.of(), new int[] {3, 4}, new int[] {4});
    }

    @Test
    void shapesAndCopies() throws Exception {
        check("Pad", List.of(), Map.of("pads", new long[] {0, 1, 2, 0, 2, -1}), new int[] {2, 3, 4});
        check("Transpose", List.of(ints("perm", 2, 0, 1)), Map.of(), new int[] {2, 3, 4});
        check("Flatten", List.of(integer("axis", 2)), Map.of(), new int[] {2, 3, 4});
        check("Reshape", List.of(), Map.of("shape", new long[] {0, -1}), new int[] {2, 3, 4});
        check("Slice", List.of(), ordered("starts", new long[] {-1}, "ends", new long[] {-100}, "axes", new long[] {1}, "steps", new long[] {-2}),
                new int[] {2, 5});
        check("Concat", List.of(integer("axis", 1)), Map.of(), new int[] {2, 3}, new int[] {2, 2});
        check("Squeeze", List.of(), Map.of("axes", new long[] {1}), new int[] {3, 1, 2});
        check("Unsqueeze", List.of(), Map.of("axes", new long[] {0, 3}), new int[] {3, 2});
    }
}
