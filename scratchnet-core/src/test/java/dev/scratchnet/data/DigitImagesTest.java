package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DigitImagesTest {
    @TempDir
    Path dir;

    /** A "1": a thick vertical bar, dark on light, off-centre in a large picture. */
    private static BufferedImage drawnOne(boolean darkOnLight) {
        BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(darkOnLight ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, 300, 200);
        g.setColor(darkOnLight ? Color.BLACK : Color.WHITE);
        g.setStroke(new BasicStroke(12));
        g.drawLine(60, 30, 60, 150);
        g.dispose();
        return image;
    }

    @Test
    void aDrawnDigitBecomesACentredMnistInput() {
        Tensor t = DigitImages.toMnist(drawnOne(true));
        assertEquals(784, t.size());
        float[] p = t.toFloatArray();
        double mass = 0, mx = 0, my = 0;
        int top = 28, bottom = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                float v = p[y * 28 + x];
                assertTrue(v >= 0 && v <= 1);
                mass += v;
                mx += (x + 0.5) * v;
                my += (y + 0.5) * v;
                if (v > 0.5) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        assertEquals(14, mx / mass, 0.75, "centred horizontally by its centre of mass");
        assertEquals(14, my / mass, 0.75, "centred vertically");
        assertEquals(20, bottom - top + 1, 1, "the longer side scaled to 20 pixels");
        assertEquals(0, p[0], "the background is dark, as in MNIST");
        assertArrayEquals(p, DigitImages.toMnist(drawnOne(false)).toFloatArray(), 0.02f, "light on dark gives the same input");
    }

    @Test
    void filesThatAreNotImagesAreRefused() throws Exception {
        Path png = dir.resolve("one.png");
        ImageIO.write(drawnOne(true), "png", png.toFile());
        assertEquals(784, DigitImages.read(png).size());
        Path text = Files.writeString(dir.resolve("notes.png"), "hello");
        FileFormatException e = assertThrows(FileFormatException.class, () -> DigitImages.read(text));
        assertTrue(e.getMessage().contains("notes.png") && e.getMessage().contains("not an image"), e.getMessage());
        assertThrows(FileFormatException.class, () -> DigitImages.read(dir));
    }
}
