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
    void picturesOfSrgbBytesReadStraightGiveWhatGetRgbGives() throws Exception {
        BufferedImage drawn = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D ink = drawn.createGraphics();
        ink.setColor(new Color(20, 40, 90));
        ink.fillRect(0, 0, 300, 200);
        ink.setColor(new Color(250, 200, 10));
        ink.setStroke(new BasicStroke(12));
        ink.drawLine(60, 30, 90, 150);
        ink.dispose();
        java.io.ByteArrayOutputStream rgbPng = new java.io.ByteArrayOutputStream();
        ImageIO.write(drawn, "png", rgbPng);
        BufferedImage argb = new BufferedImage(300, 200, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        g.setColor(new Color(200, 30, 90, 220));
        g.setStroke(new BasicStroke(12));
        g.drawLine(60, 30, 60, 150);
        g.dispose();
        java.io.ByteArrayOutputStream rgbaPng = new java.io.ByteArrayOutputStream();
        ImageIO.write(argb, "png", rgbaPng);
        BufferedImage[] pictures = {
            copy(drawn, BufferedImage.TYPE_3BYTE_BGR), copy(argb, BufferedImage.TYPE_4BYTE_ABGR),
            ImageIO.read(new java.io.ByteArrayInputStream(rgbPng.toByteArray())), ImageIO.read(new java.io.ByteArrayInputStream(rgbaPng.toByteArray()))};
        BufferedImage[] throughGetRgb = {drawn, argb, drawn, argb};
        for (int i = 0; i < pictures.length; i++) {
            assertArrayEquals(DigitImages.toMnist(throughGetRgb[i]).toFloatArray(), DigitImages.toMnist(pictures[i]).toFloatArray(),
                    "picture of type " + pictures[i].getType());
        }
    }

    private static BufferedImage copy(BufferedImage image, int type) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), type);
        Graphics2D g = copy.createGraphics();
        g.setComposite(java.awt.AlphaComposite.Src);
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return copy;
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

    @Test
    void aLightDigitOnATransparentBackgroundIsTheDigit() {
        BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(250, 250, 250));
        g.setStroke(new BasicStroke(12));
        g.drawLine(60, 30, 60, 150);
        g.dispose();
        assertArrayEquals(DigitImages.toMnist(drawnOne(true)).toFloatArray(), DigitImages.toMnist(image).toFloatArray(), 0.02f);
    }

    @Test
    void aBlankPictureHoldsNoDigit() throws Exception {
        for (Color color : new Color[] {Color.WHITE, Color.BLACK, new Color(128, 128, 128)}) {
            BufferedImage image = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(color);
            g.fillRect(0, 0, 50, 40);
            g.dispose();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigitImages.toMnist(image));
            assertTrue(e.getMessage().contains("blank"), e.getMessage());
            Path file = dir.resolve("blank.png");
            ImageIO.write(image, "png", file.toFile());
            FileFormatException f = assertThrows(FileFormatException.class, () -> DigitImages.read(file));
            assertTrue(f.getMessage().startsWith(file.toString()) && f.getMessage().contains("blank"), f.getMessage());
        }
    }

    @Test
    void aHugePictureIsRefusedFromItsHeaderBeforeItIsDecoded() throws Exception {
        // A PNG signature and a valid header chunk declaring 20000 x 20000 pixels, and no pixel data at all.
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(20000).putInt(20000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        png.write(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        png.write(ihdr.array());
        png.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        Path file = Files.write(dir.resolve("huge.png"), png.toByteArray());
        FileFormatException e = assertThrows(FileFormatException.class, () -> DigitImages.read(file));
        assertTrue(e.getMessage().contains("20000x20000") && e.getMessage().contains("megapixels"), e.getMessage());
    }
}
