package dev.scratchnet.cli;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Model;
import dev.scratchnet.onnx.Onnx;
import dev.scratchnet.onnx.OnnxModel;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A saved model that {@code eval} and {@code predict} use: its logits for a batch of float32 rows of pixels in 0..1,
 * how many pixels a row holds, and how many classes it tells apart. A checkpoint of {@code train --save}, or an ONNX
 * model of one float input (say {@code [N, 784]}, {@code [N, 1, 28, 28]} or {@code [N, 28, 28, 1]}) whose first output is
 * {@code [N, classes]} logits or probabilities.
 */
record Classifier(Layer logits, int inputs, int classes, String about) {
    static boolean isOnnx(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".onnx");
    }

    static Classifier load(Path file) throws IOException {
        if (!isOnnx(file)) {
            Model model = TrainingState.loadTrained(file);
            return new Classifier(model.network(), model.spec().inputs(), model.spec().classes(), model.toString());
        }
        OnnxModel onnx = Onnx.load(file);
        int inputs = inputsOf(onnx, file);
        Tensor probe = onnx.apply(Tensor.zeros(1, inputs), false);
        if (probe.rank() != 2 || probe.dim(0) != 1) {
            throw new FileFormatException(file, -1, "gives an output of shape " + probe.shape() + " for one example; a classifier gives [N, classes]");
        }
        Layer logits = onnx.outputsProbabilities() ? (x, training) -> Ops.log(onnx.apply(x, training)) : onnx;
        return new Classifier(logits, inputs, probe.dim(1), onnx.toString());
    }

    /** What the page's model panel and {@code GET /api/model} show: the model, its inputs and classes. */
    Map<String, Object> description() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("model", about);
        description.put("inputs", inputs);
        description.put("classes", classes);
        return description;
    }

    /** The pixels one example of an ONNX model's single float32 input holds; its batch dimension is the first. */
    static int inputsOf(OnnxModel onnx, Path file) throws FileFormatException {
        if (onnx.inputs().size() != 1) {
            throw new FileFormatException(file, -1, "has " + onnx.inputs().size() + " inputs; the tool feeds models of one input");
        }
        OnnxModel.Input in = onnx.inputs().get(0);
        int[] example = Arrays.copyOfRange(in.dims(), 1, Math.max(1, in.dims().length));
        if (in.dtype() != DType.FLOAT32 || in.dims().length < 2 || Arrays.stream(example).anyMatch(d -> d < 1)) {
            throw new FileFormatException(file, -1, "takes " + in + "; the tool feeds float32 images of a known size after the batch dimension");
        }
        return Arrays.stream(example).reduce(1, (a, b) -> a * b);
    }
}
