package dev.scratchnet.cli;

import dev.scratchnet.models.Trainer;
import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.op.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The folder a training run writes: {@code config.json} (every setting, to repeat the run), {@code metrics.csv}
 * (one row per epoch, rewritten whole after each), the plots as PNG and {@code report.html} showing them together.
 * A resumed run in its old folder keeps the epochs before the resume.
 */
final class RunFolder {
    private final Path dir;
    private final List<Trainer.Epoch> epochs = new ArrayList<>();

    private RunFolder(Path dir, String configJson) throws IOException {
        this.dir = dir;
        AtomicFiles.writeString(dir.resolve("config.json"), configJson + "\n");
    }

    /** A new folder named {@code base}, or {@code base-2}, {@code base-3}, ... when runs started in the same second took it. */
    static RunFolder fresh(Path base, String configJson) throws IOException {
        Files.createDirectories(base.toAbsolutePath().getParent());
        for (int n = 1; ; n++) {
            Path dir = n == 1 ? base : base.resolveSibling(base.getFileName() + "-" + n);
            try {
                Files.createDirectory(dir);
                return new RunFolder(dir, configJson);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken: the next name
            }
        }
    }

    /** The folder {@code dir}; when a run resumes after epoch {@code done}, the rows of its first {@code done} epochs are kept. */
    static RunFolder at(Path dir, String configJson, int done) throws IOException {
        Files.createDirectories(dir);
        RunFolder run = new RunFolder(dir, configJson);
        Path metrics = dir.resolve("metrics.csv");
        if (done > 0 && Files.exists(metrics)) {
            List<String> lines = Files.readAllLines(metrics);
            for (int i = 1; i < lines.size(); i++) {
                Trainer.Epoch e = parse(lines.get(i), metrics, i + 1);
                if (e.number() <= done) {
                    run.epochs.add(e);
                }
            }
        }
        return run;
    }

    private static Trainer.Epoch parse(String line, Path file, int lineNumber) throws IOException {
        String[] f = line.split(",");
        try {
            if (f.length == 6) {
                return new Trainer.Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[4]), Double.parseDouble(f[3]), Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]), Double.parseDouble(f[5]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new dev.scratchnet.data.FileFormatException(file.toString(), -1, "line " + lineNumber + " is not a row of epoch metrics: '" + line + "'");
    }

    Path dir() {
        return dir;
    }

    List<Trainer.Epoch> epochs() {
        return epochs;
    }

    void add(Trainer.Epoch epoch) throws IOException {
        epochs.add(epoch);
        AtomicFiles.writeString(dir.resolve("metrics.csv"), csv());
    }

    /** Draws one or more pictures of the run. */
    @FunctionalInterface
    private interface PictureTask {
        void draw() throws IOException;
    }

    /** The pictures are independent and training is over: draw them on all cores. */
    private static void drawSideBySide(List<PictureTask> pictures) throws IOException {
        try {
            pictures.parallelStream().forEach(p -> {
                try {
                    p.draw();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private String csv() {
        StringBuilder sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n");
        for (Trainer.Epoch e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f%n", e.number(), e.trainLoss(), e.trainAccuracy(), e.testLoss(),
                    e.testAccuracy(), e.seconds()));
        }
        return sb.toString();
    }

    /** The plots and the report, from the trained model's results on the test set; {@code w1} is its first variable. */
    void finish(Tensor w1, int side, Evaluation test, Tensor xTest, long[] yTest) throws IOException {
        List<PictureTask> pictures = new ArrayList<>();
        if (!epochs.isEmpty()) {
            pictures.add(() -> Charts.lossAndAccuracy(epochs, dir.resolve("loss.png"), dir.resolve("accuracy.png")));
        }
        pictures.add(() -> Charts.confusion(test.confusion(), dir.resolve("confusion.png")));
        if (side * side == xTest.dim(1)) {
            if (w1.rank() == 2 && w1.dim(0) == xTest.dim(1)) {
                pictures.add(() -> Charts.weights(w1, side, dir.resolve("weights.png")));
            }
            pictures.add(() -> Charts.misclassified(xTest, yTest, test.predictions(), side, 50, dir.resolve("misclassified.png")));
        }
        drawSideBySide(pictures);
        StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>scratchnet run</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}img{margin:6px;border:1px solid #ddd}</style>"
                + "</head><body>\n<h1>scratchnet run</h1>\n<h2>Metrics</h2>\n<table><tr><th>epoch</th><th>train loss</th><th>train accuracy</th>"
                + "<th>test loss</th><th>test accuracy</th><th>seconds</th></tr>\n");
        for (Trainer.Epoch e : epochs) {
            html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.2f</td></tr>%n",
                    e.number(), e.trainLoss(), e.trainAccuracy(), e.testLoss(), e.testAccuracy(), e.seconds()));
        }
        html.append("</table>\n<p>Settings: <a href=\"config.json\">config.json</a>, metrics: <a href=\"metrics.csv\">metrics.csv</a></p>\n");
        for (String png : new String[] {"loss.png", "accuracy.png", "confusion.png", "weights.png", "misclassified.png"}) {
            if (Files.exists(dir.resolve(png))) {
                html.append("<img src=\"").append(png).append("\" alt=\"").append(png).append("\">\n");
            }
        }
        html.append("</body></html>\n");
        AtomicFiles.writeString(dir.resolve("report.html"), html.toString());
    }
}
