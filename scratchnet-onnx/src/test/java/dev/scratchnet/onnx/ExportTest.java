package dev.scratchnet.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.op.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** scratchnet's models, exported to ONNX, give in ONNX Runtime (and in scratchnet's own importer) the logits scratchnet computes. */
class ExportTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Models.Kind.class)
    void onnxRuntimeComputesWhatScratchnetComputes(Models.Kind kind) throws Exception {
        Model model = new Model.Spec(kind, 784, 64, 10, kind == Models.Kind.chapter ? 0 : 0.25).build(kind.ordinal() + 1);
        Tensor images = Checkpoint.load(PyTorchModelsTest.resource("reference.npz")).tensors().get("images");
        float[] expected = model.logits(images).toFloatArray();
        Path file = dir.resolve(kind + ".onnx");
        OnnxExport.save(model, file);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.toFloatArray()), new long[] {images.dim(0), 784});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] logits = (float[][]) result.get("logits").orElseThrow().getValue();
            assertEquals(images.dim(0), logits.length);
            assertClose(expected, flat(logits), kind + " in ONNX Runtime");
        }
        assertClose(expected, Onnx.load(file).apply(images, false).toFloatArray(), kind + " read back by scratchnet");
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }

    static void assertClose(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertTrue(worst <= 1e-5, what + ": largest relative difference " + worst);
    }
}
