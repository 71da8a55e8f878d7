package dev.scratchnet.cli;

import dev.scratchnet.data.DigitImages;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code scratchnet predict}: the digit in each image, with the probabilities of all ten. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Predict the digit in PNG or JPEG images of any size (dark on light, light on dark, or strokes on a transparent background); "
                + "an image that cannot be read is reported and the others are still predicted (exit code 1).")
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A checkpoint written by train --save (.safetensors or .npz), bare W1, b1, W2, b2, or an ONNX model (.onnx).")
    private Path model;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Images of one handwritten digit each.")
    private List<Path> images;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        Classifier network = Classifier.load(model);
        int inputs = network.inputs();
        if (inputs != 784) {
            throw new IllegalArgumentException("the model " + model + " takes " + inputs + " inputs; predict needs a model of 28x28 images (784 inputs)");
        }
        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        for (Path image : images) {
            Tensor x;
            try {
                x = DigitImages.read(image).reshape(1, 784);
            } catch (IOException e) {
                spec.commandLine().getErr().println("scratchnet: error: " + Main.describe(e));
                failed++;
                continue;
            }
            double[] p = Ops.softmax(network.logits().apply(x, false)).toDoubleArray();
            int best = 0;
            StringBuilder probabilities = new StringBuilder();
            for (int c = 0; c < p.length; c++) {
                best = p[c] > p[best] ? c : best;
                probabilities.append(String.format(" %d:%.3f", c, p[c]));
            }
            out.printf("%s: %d  (%s)%n", image, best, probabilities.toString().trim());
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
