package dev.scratchnet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code scratchnet serve}: a page to draw a digit on and see what the network reads, and the prediction API behind it. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve a page to draw digits for the model to read (http://HOST:PORT/) and its API (POST /api/predict).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true,
            description = "A checkpoint written by train --save (.safetensors or .npz), or an ONNX model (.onnx), of 28x28 images.")
    private Path model;

    @Option(names = "--port", defaultValue = "8080", description = "The port (default: ${DEFAULT-VALUE}; 0 for any free one).")
    private int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    private String host;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        Main.requireFreePort(spec, "--port", host, port);
        Classifier classifier = Classifier.load(model);
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("file", model.getFileName().toString());
        description.putAll(classifier.description());
        if (!Classifier.isOnnx(model)) {
            String accuracy = dev.scratchnet.io.Checkpoint.load(model).metadata().get(TrainingState.TEST_ACCURACY);
            description.put("test accuracy", accuracy != null ? accuracy : "not recorded in the checkpoint");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            spec.commandLine().getErr().println("scratchnet: warning: serving on " + host + ", so other machines can reach the page and the API");
        }
        try (PredictionServer server = new PredictionServer(classifier, description, host, port, PredictionServer.IDLE_MILLIS)) {
            out.printf("Serving %s on http://%s:%d/ (Ctrl-C to stop)%n", classifier.about(), host, server.port());
            out.flush();
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
