package dev.scratchnet.cli;

import dev.scratchnet.models.Model;
import dev.scratchnet.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code scratchnet export}: a checkpoint of the chapter's, the mlp or the cnn model, written as ONNX. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a trained model as ONNX (opset 13; input 'input' float32 [N, pixels], output 'logits' [N, classes]).")
final class ExportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A checkpoint written by train --save (.safetensors or .npz).")
    private Path model;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The ONNX file to write (.onnx).")
    private Path out;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName() == null ? "" : out.getFileName().toString();
        Path folder = out.toAbsolutePath().getParent();
        if (!name.endsWith(".onnx") || Files.isDirectory(out) || folder == null || !Files.isDirectory(folder)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": name an .onnx file in an existing folder");
        }
        Model trained = TrainingState.loadTrained(model);
        OnnxExport.save(trained, out);
        spec.commandLine().getOut().println("Wrote " + out + ": " + trained);
        return 0;
    }
}
