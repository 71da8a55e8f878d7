package dev.scratchnet.cli;

import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.IdxFiles;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code scratchnet train} on a tiny IDX data set the test writes. */
class TrainCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void trainsOnAnyIdxDataSetAndPrintsTheChaptersLines() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("tiny"), 600, 200, 5);
        Run r = run("train", "--data", data.toString(), "--epochs", "3", "--hidden", "16", "--learning-rate", "0.01", "--threads", "1",
                "--out", dir.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        assertEquals("Run folder: " + dir.resolve("run"), lines[3]);
        for (int i = 0; i < 3; i++) {
            assertTrue(lines[i].matches("Epoch " + (i + 1) + ", Test Accuracy: \\d\\.\\d{4}  \\(loss \\d+\\.\\d{4}, \\d+\\.\\d{2} s\\)"), lines[i]);
        }
        double accuracy = Double.parseDouble(lines[2].substring(lines[2].indexOf(": ") + 2, lines[2].indexOf(": ") + 8));
        assertTrue(accuracy >= 0.95, r.out());
    }

    @Test
    void theSameSeedGivesTheSameNumbersWhateverTheThreads() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("tiny"), 300, 100, 4);
        String first = accuracies(run("train", "--data", data.toString(), "--epochs", "2", "--seed", "7", "--threads", "1", "--quiet", "--out",
                dir.resolve("one").toString()));
        String second = accuracies(run("train", "--data", data.toString(), "--epochs", "2", "--seed", "7", "--threads", "2", "--quiet", "--out",
                dir.resolve("two").toString()));
        assertEquals(first, second);
        assertNotEquals(first, accuracies(run("train", "--data", data.toString(), "--epochs", "2", "--seed", "8", "--optimizer", "sgd", "--quiet", "--out",
                dir.resolve("three").toString())));
    }

    @Test
    void batchesConvertedOneAtATimeEqualTheWholeSetConvertedFirst() throws Exception {
        IdxDataset raw = IdxDataset.load(IdxFiles.writeDataset(dir.resolve("tiny"), 150, 10, 3));
        Tensor whole = raw.xTrain().div(255.0).reshape(150, -1);
        Tensor labels = raw.yTrain().cast(DType.INT64);
        int start = 0;
        for (List<Tensor> batch : Prepared.of(raw).trainingBatches(64, false, 0)) {
            int end = Math.min(start + 64, 150);
            assertArrayEquals(whole.slice(start, end).toFloatArray(), batch.get(0).toFloatArray());
            assertEquals(List.of(end - start, whole.dim(1)), List.of(batch.get(0).dim(0), batch.get(0).dim(1)));
            assertArrayEquals(labels.slice(start, end).toLongArray(), batch.get(1).toLongArray());
            start = end;
        }
        assertEquals(150, start);
    }

    @Test
    void theTestImagesAreConvertedWhenFirstAskedForAsTheChapterConvertsThem() throws Exception {
        IdxDataset raw = IdxDataset.load(IdxFiles.writeDataset(dir.resolve("tiny"), 150, 10, 3));
        Prepared data = Prepared.of(raw);
        assertEquals(raw.xTest().dim(1) * raw.xTest().dim(2), data.inputs());
        Tensor converted = data.xTest();
        assertArrayEquals(raw.xTest().div(255.0).reshape(10, -1).cast(DType.FLOAT32).toFloatArray(), converted.toFloatArray());
        assertSame(converted, data.xTest(), "converted once");
        assertEquals(40, data.head(40).yTrain().dim(0));
    }

    private static String accuracies(Run r) {
        assertEquals(0, r.code(), r.err());
        return r.out().replaceAll("\\d+\\.\\d\\d s", "");
    }

    @Test
    void usageErrorsExitWithTwoAndOneLine() {
        for (String[] args : new String[][] {{"train", "--batch-size", "0"}, {"train", "--epochs", "-1"}, {"train", "--hidden", "0"},
                {"train", "--learning-rate", "-0.1"}, {"train", "--optimizer", "lion"}, {"train", "--dropout", "0.5"}, {"train", "--model", "rnn"}, {"train", "--nope"},
                {"train", "--dashboard-stay"}, {"train", "--dashboard", "--dashboard-port", "70000"}, {"train", "--dashboard-port", "-1"},
                {"serve", "--model", "no-such-model.safetensors", "--port", "70000"}}) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("scratchnet: "), r.err());
        }
    }

    @Test
    void aPortInUseOrAnUnknownHostIsAUsageErrorBeforeAnythingIsWritten() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            Path out = dir.resolve("never");
            for (String[] args : new String[][] {{"train", "--dashboard", "--dashboard-port", port, "--out", out.toString()},
                    {"serve", "--model", out.resolve("model.safetensors").toString(), "--port", port}}) {
                Run r = run(args);
                assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
                assertEquals(1, r.err().strip().lines().count(), r.err());
                assertTrue(r.err().contains("port " + port + ": cannot listen on 127.0.0.1"), r.err());
            }
            assertFalse(Files.exists(out), "no run folder");
            Run unknown = run("serve", "--model", out.resolve("model.safetensors").toString(), "--host", "no-such-host.invalid");
            assertEquals(2, unknown.code(), unknown.err());
            assertTrue(unknown.err().startsWith("scratchnet: --host no-such-host.invalid: no such address"), unknown.err());
        }
    }

    @Test
    void failuresExitWithOneAndNameTheFile() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("bad"), 10, 10, 2);
        Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {1, 2, 3, 4, 5});
        Run r = run("train", "--data", data.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("train-images-idx3-ubyte") && r.err().contains("magic"), r.err());
        Run missing = run("train", "--data", dir.resolve("nowhere").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nowhere"), missing.err());
        Run verbose = run("train", "--data", dir.resolve("nowhere").toString(), "--verbose");
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
    }

    @Test
    void nonFiniteNumbersStopTheRunWithTheStepAndTheOp() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("tiny"), 200, 50, 3);
        Run plain = run("train", "--data", data.toString(), "--learning-rate", "1e30", "--quiet", "--out", dir.resolve("a").toString());
        assertEquals(1, plain.code());
        assertTrue(plain.err().matches("scratchnet: error: stopped in epoch 1 after step \\d+: the training loss became NaN.*\\n"), plain.err());
        Run checked = run("train", "--data", data.toString(), "--learning-rate", "1e30", "--quiet", "--check-numerics", "--out", dir.resolve("b").toString());
        assertEquals(1, checked.code());
        assertTrue(checked.err().matches("scratchnet: error: stopped in epoch 1 after step \\d+: op \\w+: (NaN|infinity) at flat index \\d+.*\\n"), checked.err());
        assertFalse(dev.scratchnet.op.NumericsCheck.enabled(), "the check is off again after the run");
    }
}
