package dev.scratchnet.onnx;

import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.models.Model;
import dev.scratchnet.onnx.proto.OnnxProto.AttributeProto;
import dev.scratchnet.onnx.proto.OnnxProto.GraphProto;
import dev.scratchnet.onnx.proto.OnnxProto.ModelProto;
import dev.scratchnet.onnx.proto.OnnxProto.NodeProto;
import dev.scratchnet.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorShapeProto;
import dev.scratchnet.onnx.proto.OnnxProto.TypeProto;
import dev.scratchnet.onnx.proto.OnnxProto.ValueInfoProto;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes scratchnet's models (the chapter's network, the mlp and the cnn) as ONNX, opset 13: input {@code input}, float32
 * {@code [N, pixels]} with a symbolic batch dimension, output {@code logits} {@code [N, classes]}, the weights as
 * initializers under their scratchnet names. Dropout, which acts only in training, is left out. The CNN computes in
 * NHWC in scratchnet and NCHW in ONNX: its graph transposes the image in, its filters once (in the initializers) and
 * the last feature map back before flattening, so that the dense layers see the same order.
 */
public final class OnnxExport {
    /** The ONNX operator set the files use. */
    public static final int OPSET = 13;
    private static final int IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("scratchnet");
    private final Map<String, Variable> variables = new HashMap<>();
    private int counter;

    private OnnxExport(Model model) {
        for (Variable v : model.variables()) {
            variables.put(v.name(), v);
        }
    }

    /**
     * Writes {@code model} to {@code file}, whole or not at all.
     *
     * @param model the model, with its current weights
     * @param file  the {@code .onnx} file
     * @throws IOException when the file cannot be written
     */
    public static void save(Model model, Path file) throws IOException {
        byte[] bytes = export(model).toByteArray();
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * The ONNX model of {@code model}.
     *
     * @param model the model, with its current weights
     * @return the ONNX model, ready to be written
     */
    static ModelProto export(Model model) {
        OnnxExport export = new OnnxExport(model);
        Model.Spec spec = model.spec();
        export.graph.addInput(valueInfo("input", "N", spec.inputs()));
        String logits = switch (spec.kind()) {
            case chapter -> export.dense(export.relu(export.dense("input", "W1", "b1")), "W2", "b2");
            case mlp -> export.dense(export.relu(export.dense("input", "dense1/kernel", "dense1/bias")), "dense2/kernel", "dense2/bias");
            case cnn -> export.cnn(spec);
        };
        export.graph.addNode(node("Identity", new String[] {logits}, "logits"));
        export.graph.addOutput(valueInfo("logits", "N", spec.classes()));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("scratchnet").setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OPSET)).setGraph(export.graph).build();
    }

    private String cnn(Model.Spec spec) {
        int side = (int) Math.round(Math.sqrt(spec.inputs()));
        String image = add("Reshape", null, "input", constant("image_shape", 0, side, side, 1));
        String x = add("Transpose", new AttributeProto[] {ints("perm", 0, 3, 1, 2)}, image);
        x = add("MaxPool", poolAttributes(), relu(conv(x, "conv1")));
        x = add("MaxPool", poolAttributes(), relu(conv(x, "conv2")));
        String rows = add("Reshape", null, add("Transpose", new AttributeProto[] {ints("perm", 0, 2, 3, 1)}, x), constant("rows_shape", 0, -1));
        return dense(relu(dense(rows, "dense1/kernel", "dense1/bias")), "dense2/kernel", "dense2/bias");
    }

    private static AttributeProto[] poolAttributes() {
        return new AttributeProto[] {ints("kernel_shape", 2, 2), ints("strides", 2, 2)};
    }

    /** A SAME convolution of stride 1 (the extra padding of an even kernel after, as TensorFlow puts it), its filters [kh, kw, in, out] stored as ONNX's [out, in, kh, kw]. */
    private String conv(String x, String layer) {
        Variable kernel = variables.get(layer + "/kernel");
        String weights = initializer(layer + "/kernel", Ops.transpose(kernel.value(), 3, 2, 0, 1));
        String bias = initializer(layer + "/bias", variables.get(layer + "/bias").value());
        int k = kernel.shape().dim(0);
        return add("Conv", new AttributeProto[] {ints("kernel_shape", k, k), ints("pads", (k - 1) / 2, (k - 1) / 2, k / 2, k / 2), ints("strides", 1, 1)},
                x, weights, bias);
    }

    private String dense(String x, String kernel, String bias) {
        return add("Gemm", null, x, initializer(kernel, variables.get(kernel).value()), initializer(bias, variables.get(bias).value()));
    }

    private String relu(String x) {
        return add("Relu", null, x);
    }

    private String initializer(String name, Tensor value) {
        graph.addInitializer(OnnxTensors.write(name, value));
        return name;
    }

    private String constant(String name, long... values) {
        return initializer(name, Tensor.of(values));
    }

    /** Adds a node of one output, named after the operator and a counter; returns the output's name. */
    private String add(String op, AttributeProto[] attributes, String... inputs) {
        String output = op.toLowerCase() + "_" + counter++;
        NodeProto.Builder node = node(op, inputs, output).toBuilder().setName(output);
        if (attributes != null) {
            for (AttributeProto a : attributes) {
                node.addAttribute(a);
            }
        }
        graph.addNode(node);
        return output;
    }

    private static NodeProto node(String op, String[] inputs, String output) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        return node.build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A float32 tensor of a symbolic first dimension and a known second one. */
    private static ValueInfoProto valueInfo(String name, String batch, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
