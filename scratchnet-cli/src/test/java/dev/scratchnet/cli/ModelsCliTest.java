package dev.scratchnet.cli;

import dev.scratchnet.data.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The mlp and cnn models and the other optimizers through the CLI, on a tiny data set. */
class ModelsCliTest {
    @TempDir
    Path dir;

    private static double lastAccuracy(String out) {
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1];
        return Double.parseDouble(last.substring(last.indexOf(": ") + 2));
    }

    @Test
    void mlpWithDropoutAndShuffleLearns() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 600, 200, 5);
        TrainCommandTest.Run r = TrainCommandTest.run("train", "--data", data.toString(), "--model", "mlp", "--dropout", "0.2", "--shuffle",
                "--epochs", "4", "--hidden", "32", "--learning-rate", "0.01", "--quiet", "--out", dir.resolve("a").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(lastAccuracy(r.out()) >= 0.95, r.out());
        TrainCommandTest.Run again = TrainCommandTest.run("train", "--data", data.toString(), "--model", "mlp", "--dropout", "0.2", "--shuffle",
                "--epochs", "4", "--hidden", "32", "--learning-rate", "0.01", "--quiet", "--out", dir.resolve("b").toString());
        assertEquals(r.out(), again.out(), "shuffling and dropout are seeded");
    }

    @Test
    void cnnTrainsSavesAndEvaluates() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 400, 100, 4);
        Path model = dir.resolve("cnn.npz");
        TrainCommandTest.Run r = TrainCommandTest.run("train", "--data", data.toString(), "--model", "cnn", "--epochs", "3", "--hidden", "16",
                "--learning-rate", "0.01", "--quiet", "--save", model.toString(), "--out", dir.resolve("a").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(lastAccuracy(r.out()) >= 0.9, r.out());
        TrainCommandTest.Run eval = TrainCommandTest.run("eval", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("Test accuracy: " + r.out().strip().substring(r.out().strip().length() - 6)), eval.out() + " vs " + r.out());
    }

    @Test
    void theCnnTrainsWithItsRecipeUnlessToldOtherwise() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 200, 50, 4);
        String[][] runs = {{"--model", "cnn"}, {"--model", "cnn", "--no-shuffle", "--dropout", "0"}, {"--model", "mlp"}, {}};
        String[] expected = {"\"dropout\": 0.25,\n  \"shuffle\": true", "\"dropout\": 0.0,\n  \"shuffle\": false",
            "\"dropout\": 0.0,\n  \"shuffle\": false", "\"dropout\": 0.0,\n  \"shuffle\": false"};
        for (int i = 0; i < runs.length; i++) {
            Path out = dir.resolve("run" + i);
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("train", "--data", data.toString(), "--epochs", "1", "--hidden", "8",
                    "--quiet", "--out", out.toString()), java.util.Arrays.stream(runs[i])).toArray(String[]::new);
            TrainCommandTest.Run r = TrainCommandTest.run(args);
            assertEquals(0, r.code(), r.err());
            String config = java.nio.file.Files.readString(out.resolve("config.json"));
            assertTrue(config.contains(expected[i]), String.join(" ", runs[i]) + ": " + config);
        }
    }

    @Test
    void everyOptimizerTrains() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 300, 100, 3);
        for (String optimizer : new String[] {"adamw", "rmsprop", "adagrad", "sgd"}) {
            TrainCommandTest.Run r = TrainCommandTest.run("train", "--data", data.toString(), "--optimizer", optimizer, "--epochs", "3",
                    "--hidden", "16", "--learning-rate", optimizer.equals("sgd") || optimizer.equals("adagrad") ? "0.1" : "0.01", "--quiet",
                    "--out", dir.resolve(optimizer).toString());
            assertEquals(0, r.code(), optimizer + ": " + r.err());
            assertTrue(lastAccuracy(r.out()) >= 0.9, optimizer + ": " + r.out());
        }
    }
}
