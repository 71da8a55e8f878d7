package dev.scratchnet.faults;

import dev.scratchnet.cli.Main;
import dev.scratchnet.data.IdxFiles;
import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.op.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Inputs that are too large, numbers from files out of range, settings that would fail after the work, runs that
 * would clobber each other, and data that cannot be meant: each ends in one line naming what was wrong, with exit code
 * 2 for a setting and 1 for anything else, and most before any work is done. The tool's tests run with a 768 MB heap,
 * so that what a file declares can exceed it without the test allocating anything.
 */
class HardInputsTest {
    @TempDir
    Path dir;
    Path data;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void tinyData() throws Exception {
        data = IdxFiles.writeDataset(dir.resolve("data"), 120, 40, 3);
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs the command and checks that it failed with {@code code} and one line holding every one of {@code words}. */
    private static Run fails(int code, String[] words, String... args) {
        Run r = run(args);
        String message = r.err().strip();
        assertEquals(code, r.code(), String.join(" ", args) + "\n" + r.err());
        assertEquals(1, message.lines().count(), message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), message);
        for (String word : words) {
            assertTrue(message.contains(word), "'" + word + "' in: " + message);
        }
        return r;
    }

    private String[] train(String... more) {
        String[] common = {"train", "--data", data.toString(), "--hidden", "8", "--quiet"};
        String[] all = java.util.Arrays.copyOf(common, common.length + more.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    // ---------------------------------------------------------------- sizes beyond the machine, refused before the work

    @Test
    void declaredSizesBeyondTheHeapAreRefusedBeforeAnythingIsRead() throws Exception {
        // A gzip IDX file whose header declares 2^30 images of one byte, and which holds nothing more.
        Path bomb = Files.createDirectories(dir.resolve("bomb"));
        for (String name : new String[] {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(data.resolve(name), bomb.resolve(name));
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb.resolve("train-images-idx3-ubyte.gz")))) {
            out.write(IdxFiles.idx(new int[] {1 << 30, 1, 1}, new byte[0]));
        }
        fails(1, new String[] {"train-images-idx3-ubyte.gz", "1.0 GB", "-Xmx"}, "train", "--data", bomb.toString(), "--quiet");

        // An npz whose one array is 1 GB of zeros, deflated to a few MB: refused from its header, never inflated.
        Path zipBomb = dir.resolve("bomb.npz");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(zipBomb))) {
            zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
            zip.putNextEntry(new java.util.zip.ZipEntry("W1.npy"));
            String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }     \n";
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
            zip.write(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        fails(1, new String[] {"bomb.npz", "1.0 GB", "-Xmx"}, "eval", "--model", zipBomb.toString(), "--data", data.toString());

        Path mnistSized = Files.createDirectories(dir.resolve("28x28"));
        for (String part : new String[] {"train", "t10k"}) {
            Files.write(mnistSized.resolve(part + "-images-idx3-ubyte"), IdxFiles.idx(new int[] {4, 28, 28}, new byte[4 * 784]));
            Files.write(mnistSized.resolve(part + "-labels-idx1-ubyte"), IdxFiles.idx(new int[] {4}, new byte[] {0, 1, 2, 3}));
        }
        fails(2, new String[] {"--hidden 100000", "parameters", "-Xmx"}, "train", "--data", mnistSized.toString(), "--hidden", "100000");
        fails(2, new String[] {"--threads", "256"}, train("--threads", "100000"));
        fails(2, new String[] {"--epochs", "100000"}, train("--epochs", "2147483647"));
    }

    @Test
    void checkpointMetadataDeclaringAHugeModelIsRefusedBeforeItIsBuilt() throws Exception {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run(train("--epochs", "1", "--save", model.toString(), "--out", dir.resolve("run").toString())).code());
        Checkpoint c = Checkpoint.load(model);
        Map<String, String> meta = new HashMap<>(c.metadata());
        meta.put("hidden", "1000000");
        Path huge = dir.resolve("huge.safetensors");
        new Checkpoint(c.tensors(), meta).save(huge);
        fails(1, new String[] {"huge.safetensors", "hidden 1000000", "parameters"}, "eval", "--model", huge.toString(), "--data", data.toString());
    }

    // ---------------------------------------------------------------- numbers from files, range-checked

    @Test
    void epochAndStepCountsFromACheckpointAreRangeChecked() throws Exception {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run(train("--epochs", "1", "--save", model.toString(), "--out", dir.resolve("run").toString())).code());
        Checkpoint c = Checkpoint.load(model);
        String[][] cases = {{"epoch", "2147483647"}, {"epoch", "-3"}, {"iterations", "-1"}, {"epoch", "1.5"}};
        for (String[] field : cases) {
            Map<String, String> meta = new HashMap<>(c.metadata());
            meta.put(field[0], field[1]);
            Path bad = dir.resolve(field[0] + field[1] + ".safetensors");
            new Checkpoint(c.tensors(), meta).save(bad);
            fails(1, new String[] {bad.getFileName().toString(), "'" + field[0] + "'", field[1]}, train("--resume", bad.toString(), "--epochs", "3"));
        }
    }

    // ---------------------------------------------------------------- settings checked before the first step

    @Test
    void everyPlaceARunWillWriteIsCheckedBeforeItStarts() throws Exception {
        fails(2, new String[] {"model.bin", ".safetensors or .npz"}, train("--epochs", "50", "--save", dir.resolve("model.bin").toString()));
        fails(2, new String[] {"missing", "does not exist"}, train("--save", dir.resolve("missing/model.npz").toString()));
        fails(2, new String[] {"is a folder"}, train("--save", Files.createDirectories(dir.resolve("x.npz")).toString()));
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        fails(2, new String[] {"notes.txt", "is a file"}, train("--out", file.toString()));
        assertEquals("mine", Files.readString(file));
        fails(2, new String[] {"--out", "does not exist"}, train("--out", file.resolve("below").toString()));
    }

    // ---------------------------------------------------------------- runs that would clobber each other

    @Test
    @SuppressWarnings("try") // the other run's claim is held while it is open
    void runsNeverShareAFolderOrACheckpoint() throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, run(train("--epochs", "1", "--out", out.toString())).code());
        String metrics = Files.readString(out.resolve("metrics.csv"));
        fails(2, new String[] {"already holds a run", "--resume"}, train("--epochs", "1", "--out", out.toString()));
        assertEquals(metrics, Files.readString(out.resolve("metrics.csv")), "the first run's results are untouched");

        Path model = dir.resolve("shared.safetensors");
        try (AtomicFiles.Claim other = AtomicFiles.claim(model)) {
            fails(1, new String[] {"shared.safetensors", "another run"}, train("--epochs", "1", "--save", model.toString(), "--out", dir.resolve("r2").toString()));
        }
        assertEquals(0, run(train("--epochs", "1", "--save", model.toString(), "--out", dir.resolve("r3").toString())).code(), "free once released");
        assertFalse(Files.exists(dir.resolve(".shared.safetensors.lock")), "the claim leaves nothing behind");
    }

    @Test
    void resumingChecksThatThereIsSomethingToContinue() throws Exception {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run(train("--epochs", "2", "--save", model.toString(), "--out", dir.resolve("run").toString())).code());
        fails(2, new String[] {"already holds 2 epochs", "--epochs 3"}, train("--resume", model.toString(), "--epochs", "2"));
        fails(1, new String[] {"m.safetensors", "--optimizer adam", "--init"}, train("--resume", model.toString(), "--epochs", "3", "--optimizer", "sgd"));
    }

    // ---------------------------------------------------------------- nonsense treated as data

    @Test
    void emptyDataSetsAndDivergedModelsAreRefused() throws Exception {
        Path noTraining = IdxFiles.writeDataset(dir.resolve("empty-train"), 0, 10, 3);
        fails(1, new String[] {"training set", "no examples"}, "train", "--data", noTraining.toString(), "--quiet");
        Path noTest = IdxFiles.writeDataset(dir.resolve("empty-test"), 30, 0, 3);
        fails(1, new String[] {"test set", "no examples"}, "train", "--data", noTest.toString(), "--quiet");

        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run(train("--epochs", "1", "--save", model.toString(), "--out", dir.resolve("run").toString())).code());
        Checkpoint c = Checkpoint.load(model);
        Map<String, Tensor> tensors = new HashMap<>(c.tensors());
        float[] nan = new float[c.tensors().get("W1").size()];
        java.util.Arrays.fill(nan, Float.NaN);
        tensors.put("W1", Tensor.of(nan, c.tensors().get("W1").shape().dims()));
        Path diverged = dir.resolve("nan.safetensors");
        new Checkpoint(tensors, c.metadata()).save(diverged);
        fails(1, new String[] {"nan.safetensors", "W1", "NaN", "diverged"}, "eval", "--model", diverged.toString(), "--data", data.toString());
    }

    @Test
    void predictReportsEveryBadPictureAndGoesOn() throws Exception {
        Path model = dir.resolve("m.safetensors");
        new Model.Spec(Models.Kind.chapter, 784, 8, 10, 0).build(1).save(model);
        BufferedImage white = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), digit = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (BufferedImage image : new BufferedImage[] {white, digit}) {
            Graphics2D g = image.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 40, 40);
            if (image == digit) {
                g.setColor(Color.BLACK);
                g.fillRect(18, 5, 5, 30);
            }
            g.dispose();
        }
        Path blank = dir.resolve("blank.png"), one = dir.resolve("one.png"), text = Files.writeString(dir.resolve("text.png"), "no");
        ImageIO.write(white, "png", blank.toFile());
        ImageIO.write(digit, "png", one.toFile());
        Run r = run("predict", "--model", model.toString(), blank.toString(), text.toString(), one.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("blank.png") && r.err().contains("holds no digit"), r.err());
        assertTrue(r.err().contains("text.png") && r.err().contains("not an image"), r.err());
        assertEquals(2, r.err().strip().lines().count(), r.err());
        assertTrue(r.out().startsWith(one + ": "), "the readable picture is still predicted: " + r.out());
    }

    // ---------------------------------------------------------------- leftovers and surprises

    @Test
    void savesCleanUpAfterKilledOnesAndFollowTheUmask() throws Exception {
        Path model = dir.resolve("m.safetensors");
        Path orphan = Files.write(dir.resolve(".m.safetensors-killed.tmp"), new byte[1000]);
        assertEquals(0, run(train("--epochs", "1", "--save", model.toString(), "--out", dir.resolve("run").toString())).code());
        assertFalse(Files.exists(orphan), "the temporary file of a killed save is removed by the next save");
        Path reference = Files.createFile(dir.resolve("made-by-the-user"));
        String expected = PosixFilePermissions.toString(Files.getPosixFilePermissions(reference));
        for (Path written : new Path[] {model, dir.resolve("run/metrics.csv"), dir.resolve("run/config.json"), dir.resolve("run/loss.png")}) {
            assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(written)), written + " has the umask's permissions");
        }
    }

    @Test
    void aCommandIsNeeded() {
        fails(2, new String[] {"name a command"});
    }
}
