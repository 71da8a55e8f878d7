package dev.scratchnet.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * A picture read a row at a time as ink levels in [0, 1]: each pixel's gray level (its luma, or on a transparent
 * background how transparent it is) taken from the level of the picture's border and scaled, so that the background
 * is 0 and full ink 1, light ink on dark whichever way round the picture was.
 *
 * <p>Most of a drawing is its blank page. Stretches of pixels equal to the picture's first are found by comparing bytes
 * (or ints) against that pixel repeated, which {@code Arrays.mismatch} does a vector at a time, and filled with its
 * level; every other pixel is converted once per change of colour along the row. A 280x280 drawing reads in a fraction
 * of the time a conversion of every pixel takes.
 */
abstract class InkRows {
    /** A pixel whose level is above this is clearly ink: what the digit's box holds. */
    static final float INK = 0.2f;

    final int width, height;
    /** Whether some pixel is less than half opaque: then a pixel's key is its alpha, otherwise its 24-bit RGB. */
    final boolean transparent;
    /** The first and last column of ink in the row read last, or -1 when it has none. */
    int firstInk, lastInk;
    private int firstKey;
    private boolean invert;
    private float background, firstLevel;
    private int lastKey = -1;
    private float lastLevel;

    private InkRows(int width, int height, boolean transparent) {
        this.width = width;
        this.height = height;
        this.transparent = transparent;
    }

    /** The rows of {@code image}, its background and the way round taken from its border. */
    static InkRows of(BufferedImage image) {
        InkRows rows = srgbBytes(image) ? Bytes.of(image) : Ints.of(image);
        rows.seek(0);
        rows.firstKey = rows.key(0);
        rows.takeBackgroundFromBorder();
        return rows;
    }

    /** Moves to row {@code y}. */
    abstract void seek(int y);

    /** The key of pixel {@code x} of the current row. */
    abstract int key(int x);

    /** How many pixels from {@code x} on in the current row have the same bytes as the picture's first. */
    abstract int runOfFirst(int x);

    /** Writes the ink levels of row {@code y} to {@code out} and finds its first and last column of ink. */
    final void read(int y, float[] out) {
        seek(y);
        firstInk = -1;
        lastInk = -1;
        int x = 0;
        while (x < width) {
            int run = runOfFirst(x);
            if (run > 0) {
                Arrays.fill(out, x, x + run, firstLevel);
                if (firstLevel > INK) {
                    ink(x, x + run - 1);
                }
                x += run;
            }
            if (x < width) {
                int key = key(x);
                do {
                    float level = level(key);
                    out[x] = level;
                    if (level > INK) {
                        ink(x, x);
                    }
                    x++;
                } while (x < width && (key = key(x)) != firstKey);
            }
        }
    }

    private void ink(int from, int to) {
        if (firstInk < 0) {
            firstInk = from;
        }
        lastInk = to;
    }

    /** The mean gray level of the border's pixels is the background: a light one means dark ink, to be inverted. */
    private void takeBackgroundFromBorder() {
        float border = 0;
        for (int x = 0; x < width; x++) {
            seek(0);
            float top = gray(key(x));
            seek(height - 1);
            border += top + gray(key(x));
        }
        for (int y = 0; y < height; y++) {
            seek(y);
            border += gray(key(0)) + gray(key(width - 1));
        }
        background = border / (2 * (width + height));
        invert = background >= 0.5f;
        background = invert ? 1 - background : background;
        firstLevel = level(firstKey);
    }

    /** A pixel's ink level, computed again only when its key differs from the last pixel's. */
    private float level(int key) {
        if (key != lastKey) {
            float gray = gray(key);
            lastLevel = Math.max(0, ((invert ? 1 - gray : gray) - background) / (1 - background));
            lastKey = key;
        }
        return lastLevel;
    }

    /** A key's gray level in [0, 1]: how transparent, or the luma. */
    private float gray(int key) {
        return transparent ? 1 - key / 255f : (RED[key >>> 16] + GREEN[(key >> 8) & 0xFF] + BLUE[key & 0xFF]) / 255f;
    }

    /**
     * The three terms of a pixel's luma for each byte value, {@code 0.299f * v}, {@code 0.587f * v} and
     * {@code 0.114f * v}: looked up, the same floats as computed.
     */
    private static final float[] RED = new float[256], GREEN = new float[256], BLUE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            RED[v] = 0.299f * v;
            GREEN[v] = 0.587f * v;
            BLUE[v] = 0.114f * v;
        }
    }

    /** Whether the picture is 8-bit sRGB bytes, what PNGs from a browser and JPEGs decode to, read straight from its raster. */
    private static boolean srgbBytes(BufferedImage image) {
        ColorModel colors = image.getColorModel();
        WritableRaster raster = image.getRaster();
        return colors instanceof ComponentColorModel && colors.getColorSpace().isCS_sRGB() && !colors.isAlphaPremultiplied()
                && colors.getNumComponents() >= 3 && Arrays.stream(colors.getComponentSize()).allMatch(bits -> bits == 8)
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel && raster.getDataBuffer() instanceof DataBufferByte
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0;
    }

    /** An 8-bit sRGB picture's bytes, straight from its raster. */
    private static final class Bytes extends InkRows {
        private final byte[] bytes, firstRepeated;
        private final int start, stride, scanline, red, green, blue, alpha;
        private int row;

        static Bytes of(BufferedImage image) {
            WritableRaster raster = image.getRaster();
            PixelInterleavedSampleModel layout = (PixelInterleavedSampleModel) raster.getSampleModel();
            byte[] bytes = ((DataBufferByte) raster.getDataBuffer()).getData();
            int width = image.getWidth(), height = image.getHeight(), start = raster.getDataBuffer().getOffset();
            return new Bytes(width, height, bytes, start, layout.getPixelStride(), layout.getScanlineStride(), layout.getBandOffsets(),
                    image.getColorModel().hasAlpha() && anyTransparent(bytes, width, height, start, layout));
        }

        private Bytes(int width, int height, byte[] bytes, int start, int stride, int scanline, int[] band, boolean transparent) {
            super(width, height, transparent);
            this.bytes = bytes;
            this.start = start;
            this.stride = stride;
            this.scanline = scanline;
            red = band[0];
            green = band[1];
            blue = band[2];
            alpha = transparent ? band[3] : 0;
            firstRepeated = new byte[width * stride];
            for (int i = 0; i < firstRepeated.length; i++) {
                firstRepeated[i] = bytes[start + i % stride];
            }
        }

        private static boolean anyTransparent(byte[] bytes, int width, int height, int start, PixelInterleavedSampleModel layout) {
            int alpha = layout.getBandOffsets()[3], stride = layout.getPixelStride();
            for (int y = 0; y < height; y++) {
                for (int x = 0, p = start + y * layout.getScanlineStride() + alpha; x < width; x++, p += stride) {
                    if ((bytes[p] & 0xFF) < 128) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        void seek(int y) {
            row = start + y * scanline;
        }

        @Override
        int key(int x) {
            int p = row + x * stride;
            return transparent ? bytes[p + alpha] & 0xFF
                    : (bytes[p + red] & 0xFF) << 16 | (bytes[p + green] & 0xFF) << 8 | bytes[p + blue] & 0xFF;
        }

        @Override
        int runOfFirst(int x) {
            int from = row + x * stride, length = (width - x) * stride;
            int differs = Arrays.mismatch(bytes, from, from + length, firstRepeated, 0, length);
            return differs < 0 ? width - x : differs / stride;
        }
    }

    /** Any other picture, through {@code getRGB}'s conversion to 8-bit sRGB. */
    private static final class Ints extends InkRows {
        private final int[] argb, firstRepeated;
        private int row;

        static Ints of(BufferedImage image) {
            int width = image.getWidth(), height = image.getHeight();
            int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
            return new Ints(width, height, argb, image.getColorModel().hasAlpha() && Arrays.stream(argb).anyMatch(pixel -> pixel >>> 24 < 128));
        }

        private Ints(int width, int height, int[] argb, boolean transparent) {
            super(width, height, transparent);
            this.argb = argb;
            firstRepeated = new int[width];
            Arrays.fill(firstRepeated, argb[0]);
        }

        @Override
        void seek(int y) {
            row = y * width;
        }

        @Override
        int key(int x) {
            int pixel = argb[row + x];
            return transparent ? pixel >>> 24 : pixel & 0xFFFFFF;
        }

        @Override
        int runOfFirst(int x) {
            int differs = Arrays.mismatch(argb, row + x, row + width, firstRepeated, 0, width - x);
            return differs < 0 ? width - x : differs;
        }
    }
}
