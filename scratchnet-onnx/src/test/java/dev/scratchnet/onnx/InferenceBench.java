package dev.scratchnet.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Inference over MNIST's 10,000 test images, in scratchnet and in ONNX Runtime (its Java package, native code) side by
 * side in one run: the chapter's network and the CNN, each exported to ONNX by scratchnet, in batches of 1000, the
 * median of 7 passes after 3 to warm up. Run: {@code mvn -B install -DskipTests} once, then {@code mvn -B -pl scratchnet-onnx exec:exec@inference-bench}.
 */
public final class InferenceBench {
    private static final int BATCH = 1000, WARM_UP = 3, MEASURED = 7;

    private InferenceBench() {
    }

    @FunctionalInterface
    private interface Pass {
        void run() throws Exception;
    }

    private static double medianSeconds(Pass pass) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        double[] seconds = new double[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            pass.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[MEASURED / 2];
    }

    public static void main(String[] args) throws Exception {
        IdxDataset mnist = Mnist.loadData();
        Tensor x = mnist.xTest().div(255.0).reshape(-1, 784).cast(DType.FLOAT32);
        int n = x.dim(0);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        System.out.printf("inference over %d test images, batches of %d (%d threads)%n%n", n, BATCH, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-9s %-26s %10s %12s%n", "model", "engine", "s", "images/s");
        for (Models.Kind kind : new Models.Kind[] {Models.Kind.chapter, Models.Kind.cnn}) {
            Model model = new Model.Spec(kind, 784, 128, 10, 0).build(1);
            Path file = Files.createTempFile("bench-" + kind, ".onnx");
            OnnxExport.save(model, file);
            double ours = medianSeconds(() -> {
                for (int i = 0; i < n; i += BATCH) {
                    model.logits(x.slice(i, i + BATCH));
                }
            });
            double imported;
            OnnxModel onnx = Onnx.load(file);
            imported = medianSeconds(() -> {
                for (int i = 0; i < n; i += BATCH) {
                    onnx.apply(x.slice(i, i + BATCH), false);
                }
            });
            double ort;
            try (OrtSession session = env.createSession(file.toString(), options)) {
                float[] all = x.toFloatArray();
                ort = medianSeconds(() -> {
                    for (int i = 0; i < n; i += BATCH) {
                        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(all, i * 784, BATCH * 784), new long[] {BATCH, 784});
                             OrtSession.Result result = session.run(Map.of("input", input))) {
                            result.get(0);
                        }
                    }
                });
            }
            Files.delete(file);
            System.out.printf("%-9s %-26s %10.3f %12.0f%n", kind, "scratchnet", ours, n / ours);
            System.out.printf("%-9s %-26s %10.3f %12.0f%n", kind, "scratchnet, its ONNX file", imported, n / imported);
            System.out.printf("%-9s %-26s %10.3f %12.0f%n", kind, "ONNX Runtime 1.20 (native)", ort, n / ort);
        }
    }
}
