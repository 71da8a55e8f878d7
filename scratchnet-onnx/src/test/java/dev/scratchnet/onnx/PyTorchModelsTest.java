package dev.scratchnet.onnx;

import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Models exported by PyTorch's own {@code torch.onnx.export} ({@code src/test/resources/onnx/make_models.py}) give,
 * in scratchnet, the logits PyTorch computed for the same MNIST test images.
 */
class PyTorchModelsTest {
    static Path resource(String name) {
        try {
            return Path.of(PyTorchModelsTest.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "zoo"})
    void logitsMatchPyTorchs(String name) throws Exception {
        Checkpoint reference = Checkpoint.load(resource("reference.npz"));
        Tensor images = reference.tensors().get("images");
        float[] expected = reference.tensors().get(name + "_logits").toFloatArray();
        OnnxModel model = Onnx.load(resource(name + ".onnx"));
        float[] got = model.apply(images, false).toFloatArray();
        assertEquals(expected.length, got.length);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertTrue(worst <= 1e-5, name + ": largest relative difference " + worst);
    }
}
