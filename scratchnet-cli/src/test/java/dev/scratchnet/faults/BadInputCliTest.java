package dev.scratchnet.faults;

import dev.scratchnet.cli.Main;
import dev.scratchnet.data.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Every bad file given to the CLI ends with exit code 1 and one line naming the file. */
class BadInputCliTest {
    @TempDir
    Path dir;

    private void expectFailureNaming(String fileName, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(1, code, String.join(" ", args) + "\n" + err);
        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("scratchnet: error: ") && message.contains(fileName), message);
        assertFalse(message.contains("Exception"), "no exception class names in the message: " + message);
    }

    @Test
    void badFilesEverywhere() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 40, 10, 2);
        Path garbage = Files.write(dir.resolve("garbage.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Path npz = Files.writeString(dir.resolve("model.npz"), "PK not really");
        Path folder = Files.createDirectories(dir.resolve("folder.safetensors"));
        Path missing = dir.resolve("missing.safetensors");
        Path image = Files.writeString(dir.resolve("digit.png"), "text");

        expectFailureNaming("garbage.safetensors", "eval", "--model", garbage.toString(), "--data", data.toString());
        expectFailureNaming("model.npz", "eval", "--model", npz.toString(), "--data", data.toString());
        expectFailureNaming("folder.safetensors", "eval", "--model", folder.toString(), "--data", data.toString());
        expectFailureNaming("missing.safetensors", "predict", "--model", missing.toString(), image.toString());
        expectFailureNaming("garbage.safetensors", "train", "--data", data.toString(), "--init", garbage.toString(), "--out", dir.resolve("r").toString());
        expectFailureNaming("model.npz", "train", "--data", data.toString(), "--resume", npz.toString(), "--out", dir.resolve("r").toString());

        Files.write(data.resolve("t10k-images-idx3-ubyte"), IdxFiles.idx(new int[] {10, 4, 5}, new byte[200]));
        expectFailureNaming("t10k-images-idx3-ubyte", "train", "--data", data.toString(), "--out", dir.resolve("r").toString());
        Files.write(data.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 127, 127, 127, 127});
        expectFailureNaming("t10k-images-idx3-ubyte", "train", "--data", data.toString(), "--out", dir.resolve("r").toString());
    }

    @Test
    void aModelForOtherDataIsRefused() throws Exception {
        Path small = IdxFiles.writeDataset(dir.resolve("small"), 40, 10, 2);
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, Main.run(new String[] {"train", "--data", small.toString(), "--epochs", "1", "--save", model.toString(), "--out",
            dir.resolve("r").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        Path png = dir.resolve("d.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        expectFailureNaming("m.safetensors", "predict", "--model", model.toString(), png.toString());
    }
}
