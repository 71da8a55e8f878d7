package dev.scratchnet.cli;

import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.op.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static dev.scratchnet.tensor.DType.INT64;

/** {@code scratchnet eval}: a saved model on the test set: loss, accuracy, and precision and recall of every class. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, description = "Evaluate a saved model on the test set.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DataOptions dataOptions;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A checkpoint written by train --save (.safetensors or .npz), bare W1, b1, W2, b2, or an ONNX model (.onnx).")
    private Path model;

    @Override
    public Integer call() throws Exception {
        dataOptions.applyThreads(spec);
        Classifier network = Classifier.load(model);
        IdxDataset dataset = dataOptions.loadNonEmpty();
        Tensor x = Prepared.flatten(dataset.xTest());
        Tensor y = dataset.yTest().cast(INT64);
        int inputs = network.inputs();
        int classes = network.classes();
        if (x.dim(1) != inputs || dev.scratchnet.op.Ops.max(y).longValue() >= classes) {
            throw new IllegalArgumentException("the model " + model + " takes " + inputs + " inputs and " + classes
                    + " classes, which does not fit the data set (" + x.dim(1) + " inputs)");
        }
        Evaluation e = Evaluation.of(network.logits(), x, y, classes);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Test loss: %.4f%nTest accuracy: %.4f%n%nclass  precision  recall%n", e.loss(), e.accuracy());
        for (int c = 0; c < classes; c++) {
            out.printf("%5d  %9.4f  %6.4f%n", c, e.precision(c), e.recall(c));
        }
        return 0;
    }
}
