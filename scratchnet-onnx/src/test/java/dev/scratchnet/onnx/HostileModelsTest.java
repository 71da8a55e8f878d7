package dev.scratchnet.onnx;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.onnx.proto.OnnxProto.AttributeProto;
import dev.scratchnet.onnx.proto.OnnxProto.GraphProto;
import dev.scratchnet.onnx.proto.OnnxProto.ModelProto;
import dev.scratchnet.onnx.proto.OnnxProto.NodeProto;
import dev.scratchnet.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Damaged and hostile ONNX files, made from PyTorch's MLP: each is refused when loaded with one line naming the file
 * and what is wrong (the node, the initializer), never another exception, and nothing is allocated that the file merely
 * declares.
 */
class HostileModelsTest {
    @TempDir
    Path dir;

    private static ModelProto mlp() throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(PyTorchModelsTest.resource("mlp.onnx")));
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path changed(String name, UnaryOperator<GraphProto.Builder> change) throws Exception {
        ModelProto m = mlp();
        return write(name, m.toBuilder().setGraph(change.apply(m.getGraph().toBuilder())).build().toByteArray());
    }

    private static void refused(Path file, String... words) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> Onnx.load(file));
        String message = e.getMessage();
        assertTrue(message.startsWith(file.toString()), message);
        assertEquals(1, message.lines().count(), message);
        for (String word : words) {
            assertTrue(message.contains(word), "'" + word + "' in: " + message);
        }
    }

    @Test
    void truncatedAndGarbledFiles() throws Exception {
        byte[] valid = mlp().toByteArray();
        refused(write("cut.onnx", Arrays.copyOf(valid, valid.length / 2)), "not a valid ONNX model");
        byte[] wrongWireType = valid.clone();
        wrongWireType[0] = (byte) ((wrongWireType[0] & ~7) | 3); // field 1 as a start-group
        refused(write("wire.onnx", wrongWireType), "not a valid ONNX model");
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] noise = valid.clone();
            for (int k = 0; k < 20; k++) {
                noise[random.nextInt(noise.length)] = (byte) random.nextInt();
            }
            Path file = write("noise" + i + ".onnx", noise);
            try {
                Onnx.load(file);
            } catch (FileFormatException expected) {
                // the one way to fail
            } catch (Throwable t) {
                fail("a " + t.getClass().getName() + " escaped: " + t.getMessage(), t);
            }
        }
    }

    @Test
    void declaredSizesAreCheckedAgainstTheData() throws Exception {
        refused(changed("overflow.onnx", g -> g.setInitializer(0, g.getInitializer(0).toBuilder().clearDims().addDims(1L << 40).addDims(1L << 40))),
                "initializer", "more than 2^31 values");
        refused(changed("short.onnx", g -> g.setInitializer(0, g.getInitializer(0).toBuilder().setDims(0, 4096))), "initializer", "needs", "raw_data holds");
        refused(changed("type.onnx", g -> g.setInitializer(0, g.getInitializer(0).toBuilder().setDataType(TensorProto.DataType.COMPLEX64_VALUE))),
                "element type", "supported");
    }

    @Test
    void externalDataStaysInTheModelsFolder() throws Exception {
        Path outside = Files.write(dir.resolve("secret"), new byte[128 * 784 * 4]);
        Path folder = Files.createDirectories(dir.resolve("model"));
        for (String location : new String[] {"../secret", "/etc/passwd", outside.toString(), "missing.bin"}) {
            ModelProto m = mlp();
            GraphProto.Builder g = m.getGraph().toBuilder();
            g.setInitializer(0, g.getInitializer(0).toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)));
            Path file = Files.write(folder.resolve("external.onnx"), m.toBuilder().setGraph(g).build().toByteArray());
            refused(file, "'" + location + "'", "not a file in the model's folder");
        }
    }

    @Test
    void graphsWithDanglingInputsCyclesOrUnknownOperatorsAreRefused() throws Exception {
        refused(changed("dangling.onnx", g -> g.setNode(1, g.getNode(1).toBuilder().setInput(0, "nowhere"))), "reads 'nowhere'", "dangling");
        refused(changed("cycle.onnx", g -> g.setNode(0, g.getNode(0).toBuilder().setInput(0, g.getNode(2).getOutput(0)))), "a cycle");
        refused(changed("loop.onnx", g -> g.setNode(1, g.getNode(1).toBuilder().setOpType("Loop"))), "(Loop)", "not supported", "Conv", "Gemm");
        refused(changed("output.onnx", g -> g.setOutput(0, g.getOutput(0).toBuilder().setName("missing"))), "output 'missing'");
        refused(changed("twice.onnx", g -> g.setNode(2, g.getNode(2).toBuilder().setOutput(0, g.getNode(0).getOutput(0)))), "already defined");
        refused(changed("attribute.onnx", g -> g.setNode(0, g.getNode(0).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("transA").setType(AttributeProto.AttributeType.INT).setI(1)))), "(Gemm)");
    }

    @Test
    void aNodeWithAnUnsupportedAttributeIsNamedWhenTheModelIsLoaded() throws Exception {
        ModelProto cnn = ModelProto.parseFrom(Files.readAllBytes(PyTorchModelsTest.resource("cnn.onnx")));
        GraphProto.Builder g = cnn.getGraph().toBuilder();
        NodeProto.Builder conv = g.getNode(0).toBuilder();
        for (int i = 0; i < conv.getAttributeCount(); i++) {
            if (conv.getAttribute(i).getName().equals("group")) {
                conv.setAttribute(i, conv.getAttribute(i).toBuilder().setI(2));
            }
        }
        Path file = write("group.onnx", cnn.toBuilder().setGraph(g.setNode(0, conv)).build().toByteArray());
        refused(file, "(Conv)", "group 2", "supported: 1");
    }
}
