package dev.scratchnet.cli;

import dev.scratchnet.data.IdxFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.scratchnet.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scratchnet train --spark} in Spark's local mode: a tiny IDX data set, MNIST end to end, and the settings it refuses. */
class SparkTrainTest {
    @TempDir
    Path dir;

    private static double lastAccuracy(TrainCommandTest.Run r, int epochs) {
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        for (int i = 0; i < epochs; i++) {
            assertTrue(lines[i].startsWith("Epoch " + (i + 1) + ", Test Accuracy: "), r.out());
        }
        return Double.parseDouble(lines[epochs - 1].substring(lines[epochs - 1].indexOf(": ") + 2, lines[epochs - 1].indexOf(": ") + 8));
    }

    @Test
    void synchronousStepsAndParameterAveragingTrainOnTwoLocalExecutors() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("tiny"), 600, 200, 5);
        for (String k : new String[] {"1", "4"}) {
            Path out = dir.resolve("run" + k);
            TrainCommandTest.Run r = run("train", "--spark", "local[2]", "--average-every", k, "--data", data.toString(), "--epochs", "3", "--hidden", "16",
                    "--learning-rate", "0.01", "--batch-size", "32", "--out", out.toString());
            assertTrue(lastAccuracy(r, 3) >= 0.9, r.out());
            String config = Files.readString(out.resolve("config.json"));
            assertTrue(config.contains("\"spark\": \"local[2]\"") && config.contains("\"average_every\": " + k), config);
            assertTrue(Files.exists(out.resolve("report.html")));
        }
    }

    @Test
    void refusesSettingsThatDoNotGoWithSpark() {
        String[][] cases = {
            {"--partitions", "2"}, {"--average-every", "2"}, {"--spark", "local[2]", "--shuffle"},
            {"--spark", "local[2]", "--average-every", "3", "--optimizer", "rmsprop"}, {"--spark", "local[2]", "--average-every", "0"},
            {"--spark", "local[2]", "--partitions", "-1"}, {"--spark", "local[2]", "--init", "model.onnx"},
        };
        String[] says = {"--partitions needs --spark", "--average-every needs --spark", "--shuffle does not go with --spark", "not rmsprop",
            "--average-every must be between 1", "--partitions must be between 0", "an ONNX --init"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 1];
            args[0] = "train";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            TrainCommandTest.Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(says[i]), r.err());
        }
    }

    @Test
    @Tag("e2e")
    void theChapterOnMnistReaches96PercentOnTwoLocalExecutors() {
        TrainCommandTest.Run r = run("train", "--spark", "local[2]", "--quiet", "--out", dir.resolve("mnist").toString());
        assertTrue(lastAccuracy(r, 5) >= 0.96, r.out());
    }
}
