package dev.scratchnet.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.graph.Graph;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
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

    @org.junit.jupiter.api.Test
    void anyTracedFunctionExports() throws Exception {
        Generator random = Generator.fromSeed(4);
        Variable w = new Variable(random.normal(new int[] {6, 5}, 0, 1), "w");
        Tensor scale = random.uniform(new int[] {5}, 0.5, 2);
        java.util.function.Function<List<Tensor>, Tensor> fn = in -> {
            Tensor x = in.get(0), y = in.get(1);
            Tensor h = Ops.tanh(x.matmul(w)).mul(scale).add(Ops.sigmoid(Ops.matmul(y, w, false, false)));
            Tensor both = Ops.concat(List.of(h, Ops.maximum(h, h.pow(2)), Ops.narrow(h, 1, 1, 3)), 1);
            Tensor pooled = Ops.sum(Ops.transpose(Ops.reshape(both, -1, 13, 1), 0, 2, 1), new int[] {1}, false);
            return Ops.logSoftmax(pooled.sub(Ops.max(pooled, new int[] {1}, true)).add(Ops.softmax(pooled)));
        };
        Tensor x = random.uniform(new int[] {3, 6}, -1, 1), y = random.uniform(new int[] {3, 6}, -1, 1);
        Graph graph = Graph.trace(fn, List.of(x, y));
        Path file = dir.resolve("traced.onnx");
        OnnxExport.save(graph, List.of("x", "y"), "out", file);
        Tensor x2 = random.uniform(new int[] {7, 6}, -1, 1), y2 = random.uniform(new int[] {7, 6}, -1, 1);
        float[] expected = fn.apply(List.of(x2, y2)).toFloatArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(x2.toFloatArray()), new long[] {7, 6});
             OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(y2.toFloatArray()), new long[] {7, 6});
             OrtSession.Result result = session.run(Map.of("x", a, "y", b))) {
            assertClose(expected, flat((float[][]) result.get("out").orElseThrow().getValue()), "the traced function in ONNX Runtime, batch 7");
        }
        assertClose(expected, Onnx.load(file).run(Map.of("x", x2, "y", y2)).get("out").toFloatArray(), "read back by scratchnet");
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
