package dev.scratchnet.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class InkRowsTest {
    /**
     * Pictures of stretches of a few colours (a page and its strokes) with scattered noise, where some pixels differ from
     * the first only in their alpha or in one channel: each row read in runs gives each pixel's level as computed on its
     * own from the formula, and the first and last columns above the ink threshold.
     */
    @Property(tries = 60)
    void rowsReadInRunsGiveEachPixelsOwnLevel(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int kind) {
        Random random = new Random(seed);
        int width = 1 + random.nextInt(40), height = 1 + random.nextInt(30);
        int[] types = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB};
        BufferedImage image = new BufferedImage(width, height, types[kind]);
        int page = random.nextInt() | 0xFF000000;
        int[] colours = {page, page ^ 0x00000100, page & 0x7FFFFFFF, random.nextInt(), 0xFF000000, 0x00FFFFFF};
        for (int y = 0; y < height; y++) {
            int colour = page;
            for (int x = 0; x < width; x++) {
                if (random.nextInt(6) == 0) {
                    colour = random.nextInt(3) == 0 ? page : colours[random.nextInt(colours.length)];
                }
                image.setRGB(x, y, colour);
            }
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        boolean transparent = image.getColorModel().hasAlpha() && java.util.Arrays.stream(argb).anyMatch(p -> p >>> 24 < 128);
        float[] gray = new float[argb.length];
        float border = 0;
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            gray[i] = transparent ? 1 - (p >>> 24) / 255f
                    : (0.299f * (p >> 16 & 0xFF) + 0.587f * (p >> 8 & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
        }
        for (int x = 0; x < width; x++) {
            border += gray[x] + gray[(height - 1) * width + x];
        }
        for (int y = 0; y < height; y++) {
            border += gray[y * width] + gray[y * width + width - 1];
        }
        float background = border / (2 * (width + height));
        boolean invert = background >= 0.5f;
        float taken = invert ? 1 - background : background;

        InkRows rows = InkRows.of(image);
        float[] row = new float[width];
        for (int y = 0; y < height; y++) {
            rows.read(y, row);
            float[] expected = new float[width];
            int first = -1, last = -1;
            for (int x = 0; x < width; x++) {
                float g = gray[y * width + x];
                expected[x] = Math.max(0, ((invert ? 1 - g : g) - taken) / (1 - taken));
                if (expected[x] > InkRows.INK) {
                    first = first < 0 ? x : first;
                    last = x;
                }
            }
            assertArrayEquals(expected, row, "row " + y);
            assertEquals(first, rows.firstInk, "first ink of row " + y);
            assertEquals(last, rows.lastInk, "last ink of row " + y);
        }
    }
}
