package dev.scratchnet.onnx;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A model exported by PyTorch trains in scratchnet: its initializers are variables, and it is saved back as ONNX. */
class FineTuneTest {
    @TempDir
    Path dir;

    @Test
    void pytorchsCnnLearnsNewLabelsAndIsSavedAsOnnx() throws Exception {
        OnnxModel model = Onnx.load(PyTorchModelsTest.resource("cnn.onnx"));
        Tensor images = Checkpoint.load(PyTorchModelsTest.resource("reference.npz")).tensors().get("images").slice(0, 16);
        // labels it has never seen: its own predictions moved on by one
        Tensor labels = Tensor.of(java.util.Arrays.stream(Ops.argmax(model.apply(images, false), 1).toLongArray()).map(l -> (l + 1) % 10).toArray());
        List<Variable> params = model.variables();
        assertEquals(8, params.size(), "two convolutions and two dense layers, each a weight and a bias");
        Adam adam = new Adam(1e-3);
        double first = 0, last = 0;
        for (int step = 0; step < 20; step++) {
            try (GradientTape tape = new GradientTape()) {
                Tensor loss = Ops.mean(Ops.sparseSoftmaxCrossEntropyWithLogits(model.apply(images, true), labels));
                adam.applyGradients(tape.gradient(loss, params), params);
                first = step == 0 ? loss.item() : first;
                last = loss.item();
            }
        }
        assertTrue(last < first / 4, "the loss fell from " + first + " to " + last);
        Path saved = dir.resolve("tuned.onnx");
        model.save(saved);
        assertArrayEquals(model.apply(images, false).toFloatArray(), Onnx.load(saved).apply(images, false).toFloatArray());
    }
}
