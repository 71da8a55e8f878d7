package dev.scratchnet.cli;

import dev.scratchnet.data.IdxFiles;
import dev.scratchnet.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The run folder, checkpoints, resume, eval and predict, on a tiny IDX data set the test writes. */
class ToolTest {
    @TempDir
    Path dir;

    private static TrainCommandTest.Run run(String... args) {
        return TrainCommandTest.run(args);
    }

    @Test
    void aRunFolderHoldsMetricsConfigPlotsAndReport() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 400, 100, 10);
        Path out = dir.resolve("run");
        TrainCommandTest.Run r = run("train", "--data", data.toString(), "--epochs", "2", "--hidden", "8", "--out", out.toString(), "--seed", "3");
        assertEquals(0, r.code(), r.err());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds", metrics.get(0));
        assertEquals(3, metrics.size());
        assertTrue(metrics.get(2).startsWith("2,"), metrics.get(2));
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"seed\": 3") && config.contains("\"hidden\": 8"), config);
        for (String png : new String[] {"loss.png", "accuracy.png", "confusion.png", "weights.png", "misclassified.png"}) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(image.getWidth() > 20 && image.getHeight() > 20, png);
        }
        BufferedImage loss = ImageIO.read(out.resolve("loss.png").toFile());
        assertEquals(640, loss.getWidth());
        assertEquals(400, loss.getHeight());
        assertTrue(Files.readString(out.resolve("report.html")).contains("<img src=\"confusion.png\""));
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneDoes() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 300, 100, 4);
        for (String ext : new String[] {"safetensors", "npz"}) {
            Path whole = dir.resolve("whole." + ext), half = dir.resolve("half." + ext);
            String[] common = {"--data", data.toString(), "--hidden", "8", "--learning-rate", "0.01", "--quiet"};
            TrainCommandTest.Run full = run(concat(new String[] {"train", "--epochs", "4", "--save", whole.toString(), "--out", dir.resolve("a" + ext).toString()}, common));
            TrainCommandTest.Run first = run(concat(new String[] {"train", "--epochs", "2", "--save", half.toString(), "--out", dir.resolve("b" + ext).toString()}, common));
            TrainCommandTest.Run rest = run(concat(new String[] {"train", "--epochs", "4", "--resume", half.toString(), "--save", half.toString(),
                "--out", dir.resolve("b" + ext).toString()}, common));
            assertEquals(0, full.code(), full.err());
            assertEquals(0, rest.code(), rest.err());
            assertEquals(full.out(), first.out() + rest.out(), "epochs 1-2 then 3-4 print what 1-4 print");
            Checkpoint a = Checkpoint.load(whole), b = Checkpoint.load(half);
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            for (String name : a.tensors().keySet()) {
                assertArrayEquals(a.tensors().get(name).toFloatArray(), b.tensors().get(name).toFloatArray(), ext + ": " + name + " is the same to the bit");
            }
            assertEquals("4", b.metadata().get("epoch"));
            String lastLine = full.out().strip().lines().reduce((x, y) -> y).orElseThrow();
            assertEquals(lastLine.substring(lastLine.lastIndexOf(' ') + 1), String.format(java.util.Locale.ROOT, "%.4f",
                    Double.parseDouble(a.metadata().get("test_accuracy"))), "the checkpoint keeps the last test accuracy");
            assertEquals(a.metadata().get("iterations"), b.metadata().get("iterations"));
            List<String> history = Files.readAllLines(dir.resolve("b" + ext).resolve("metrics.csv"));
            assertEquals(5, history.size(), "the resumed run's folder keeps epochs 1-2 and adds 3-4: " + history);
            assertEquals(Files.readAllLines(dir.resolve("a" + ext).resolve("metrics.csv")).stream().map(ToolTest::withoutSeconds).toList(),
                    history.stream().map(ToolTest::withoutSeconds).toList());
        }
    }

    @Test
    void initStartsFromSavedWeightsAndChecksTheirShapes() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 200, 50, 3);
        Path model = dir.resolve("m.npz");
        assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--hidden", "8", "--save", model.toString(), "--out", dir.resolve("a").toString()).code());
        TrainCommandTest.Run again = run("train", "--data", data.toString(), "--epochs", "1", "--hidden", "8", "--init", model.toString(), "--out", dir.resolve("b").toString());
        assertEquals(0, again.code(), again.err());
        TrainCommandTest.Run wrong = run("train", "--data", data.toString(), "--epochs", "1", "--hidden", "9", "--init", model.toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("m.npz") && wrong.err().contains("[16, 8]") && wrong.err().contains("[16, 9]"), wrong.err());
    }

    @Test
    void evalPrintsAccuracyAndPerClassPrecisionAndRecall() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 400, 100, 5);
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run("train", "--data", data.toString(), "--epochs", "3", "--hidden", "16", "--learning-rate", "0.01", "--save", model.toString(),
                "--out", dir.resolve("a").toString()).code());
        TrainCommandTest.Run r = run("eval", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)Test loss: \\d\\.\\d{4}\\nTest accuracy: \\d\\.\\d{4}\\n\\nclass  precision  recall\\n(\\s+\\d\\s+\\S+\\s+\\S+\\n){5}"), r.out());
        TrainCommandTest.Run missing = run("eval", "--model", dir.resolve("none.safetensors").toString(), "--data", data.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.safetensors"), missing.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void predictGivesTheDigitAndTheTenProbabilities() throws Exception {
        // A model whose logits favour class 7 whatever the input: predict must say 7 and print ten probabilities.
        java.util.Map<String, dev.scratchnet.op.Tensor> weights = new java.util.LinkedHashMap<>();
        weights.put("W1", dev.scratchnet.op.Tensor.zeros(784, 4));
        weights.put("b1", dev.scratchnet.op.Tensor.zeros(4));
        weights.put("W2", dev.scratchnet.op.Tensor.zeros(4, 10));
        float[] bias = new float[10];
        bias[7] = 3;
        weights.put("b2", dev.scratchnet.op.Tensor.of(bias));
        Path model = dir.resolve("seven.safetensors");
        new Checkpoint(weights, java.util.Map.of()).save(model);
        BufferedImage image = new BufferedImage(40, 60, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 40, 60);
        g.setColor(java.awt.Color.BLACK);
        g.fillRect(15, 10, 8, 40);
        g.dispose();
        Path png = dir.resolve("digit.png");
        ImageIO.write(image, "png", png.toFile());
        TrainCommandTest.Run r = run("predict", "--model", model.toString(), png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith(png + ": 7  (0:"), r.out());
        double total = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d:(\\d\\.\\d{3})").matcher(r.out());
        int count = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
            count++;
        }
        assertEquals(10, count, r.out());
        assertEquals(1, total, 0.01);
        TrainCommandTest.Run bad = run("predict", "--model", model.toString(), Files.writeString(dir.resolve("x.png"), "no").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("x.png") && bad.err().contains("not an image"), bad.err());
    }

    @Test
    void theProfileShowsWhereTheTimeWent() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 200, 50, 3);
        TrainCommandTest.Run r = run("train", "--data", data.toString(), "--epochs", "2", "--profile", "--quiet", "--out", dir.resolve("p").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("matmul (gradient)") && r.out().contains("Adam update") && r.out().contains("(everything else)"), r.out());
        assertTrue(java.util.regex.Pattern.compile("Meanwhile the JIT compilers worked \\d+\\.\\d\\d s \\(\\d+% of \\d+ cores\\), and the garbage "
                + "collector paused \\d+ times for \\d+ ms in all\\.").matcher(r.out()).find(), r.out());
        java.util.regex.Matcher timeLine = java.util.regex.Pattern.compile("Time line \\(seconds since the JVM started\\): data ready (\\S+), first step "
                + "starts (\\S+), first step done (\\S+), epoch 1 (\\S+), epoch 2 (\\S+), run folder written (\\S+)\\.").matcher(r.out());
        assertTrue(timeLine.find(), r.out());
        for (int moment = 2; moment <= 6; moment++) {
            assertTrue(Double.parseDouble(timeLine.group(moment)) >= Double.parseDouble(timeLine.group(moment - 1)), timeLine.group());
        }
        assertFalse(dev.scratchnet.op.Profiler.enabled(), "profiling is off again after the run");
    }

    @Test
    void aWholeRunIsTimedInAChildJvmFromLaunchToExit() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 200, 50, 3);
        WholeRun.Timing t = WholeRun.time(List.of("--data", data.toString(), "--epochs", "2", "--hidden", "8"));
        assertTrue(0 < t.firstEpochLine() && t.firstEpochLine() <= t.lastEpochLine() && t.lastEpochLine() <= t.exit(), t.toString());
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> WholeRun.time(List.of("--data", dir.resolve("none").toString())));
        assertTrue(failed.getMessage().contains("exit code 1") && failed.getMessage().contains("none"), failed.getMessage());
    }

    /** A metrics row without its last column, the epoch's seconds. */
    private static String withoutSeconds(String row) {
        return row.substring(0, row.lastIndexOf(','));
    }
}
