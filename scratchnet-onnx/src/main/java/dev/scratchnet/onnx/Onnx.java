package dev.scratchnet.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.onnx.proto.OnnxProto.ModelProto;
import dev.scratchnet.tensor.Memory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads ONNX models into scratchnet: {@code OnnxModel model = Onnx.load(Path.of("model.onnx"))} gives a model that
 * runs in pure Java, for inference and for training (its float initializers are variables that a gradient tape
 * watches). The supported operators are those of {@link #supportedOperators()}; anything else is refused when the model
 * is loaded, naming the node.
 */
public final class Onnx {
    /** The largest model file read whole: protobuf messages are parsed in memory, and ONNX files above 2 GB keep their weights outside. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 8;

    private Onnx() {
    }

    /**
     * Reads an ONNX model; tensors it keeps in other files are read from the model's folder only.
     *
     * @param file a {@code .onnx} file
     * @return the model, ready to run and to train
     * @throws IOException when the file cannot be read, is not a valid ONNX model, or uses what scratchnet does not support
     */
    public static OnnxModel load(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, -1, "is a directory, not an ONNX model");
        }
        long size = Files.size(file);
        if (size > MAX_FILE) {
            throw new FileFormatException(file, -1, "is " + Memory.format(size) + "; ONNX files of up to 2 GB are read (larger models keep their weights in external data)");
        }
        String shortfall = Memory.shortfall(3 * size);
        if (shortfall != null) {
            throw new FileFormatException(file, -1, "holds " + Memory.format(size) + ", whose reading " + shortfall);
        }
        ModelProto proto;
        try (InputStream in = Files.newInputStream(file)) {
            proto = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new FileFormatException(file, -1, "is not a valid ONNX model (" + e.getMessage().replaceAll("\\s*\\R\\s*", " ") + ")");
        }
        return new OnnxModel(proto, file);
    }

    /**
     * The operators this engine runs, by their ONNX names.
     *
     * @return the operator names, sorted
     */
    public static java.util.Set<String> supportedOperators() {
        return Operators.supported();
    }

    /** A small constant held in a node's attribute (a Constant's number, a ConstantOfShape's value). */
    static dev.scratchnet.op.Tensor constant(dev.scratchnet.onnx.proto.OnnxProto.TensorProto proto, Node node) {
        if (proto.getDataLocation() == dev.scratchnet.onnx.proto.OnnxProto.TensorProto.DataLocation.EXTERNAL) {
            throw new Operators.Unsupported("a value kept in another file");
        }
        try {
            return OnnxTensors.read(proto, node.describe() + "'s value", Path.of(node.name()), Path.of("."));
        } catch (IOException e) {
            throw new Operators.Unsupported(e.getMessage());
        }
    }
}
