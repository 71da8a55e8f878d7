package dev.scratchnet.cli;

import dev.scratchnet.data.DigitImages;
import dev.scratchnet.models.Model;
import dev.scratchnet.op.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code scratchnet predict}: the digit in each image, with the probabilities of all ten. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Predict the digit in PNG or JPEG images of any size (dark on light or light on dark).")
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A checkpoint (.safetensors or .npz) with W1, b1, W2, b2.")
    private Path model;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Images of one handwritten digit each.")
    private List<Path> images;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        Model network = Model.load(model);
        int inputs = network.spec().inputs();
        if (inputs != 784) {
            throw new IllegalArgumentException("the model " + model + " takes " + inputs + " inputs; predict needs a model of 28x28 images (784 inputs)");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path image : images) {
            Tensor x = DigitImages.read(image).reshape(1, 784);
            double[] p = network.predict(x).toDoubleArray();
            int best = 0;
            StringBuilder probabilities = new StringBuilder();
            for (int c = 0; c < p.length; c++) {
                best = p[c] > p[best] ? c : best;
                probabilities.append(String.format(" %d:%.3f", c, p[c]));
            }
            out.printf("%s: %d  (%s)%n", image, best, probabilities.toString().trim());
        }
        return 0;
    }
}
