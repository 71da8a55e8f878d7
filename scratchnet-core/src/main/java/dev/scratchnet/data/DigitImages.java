package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Turns a picture of one handwritten digit into an MNIST-like input, the way MNIST itself was made: grayscale,
 * light digit on dark (inverted when the picture is dark on light), cropped to the digit, scaled so its longer
 * side is 20 pixels, and placed in a 28x28 field with its centre of mass at the centre.
 */
public final class DigitImages {
    private static final int SIDE = 28, BOX = 20;
    /** The largest picture decoded: 25 megapixels take 100 MB as pixels, and a digit needs far fewer. */
    private static final long MAX_PIXELS = 25_000_000;

    private DigitImages() {
    }

    /**
     * The image in {@code file} (PNG, JPEG, or what else ImageIO reads) as a float32 [784] tensor in [0, 1].
     *
     * @param file the file
     * @return the image in {@code file}
     * @throws IOException when the file cannot be read or written
     */
    public static Tensor read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, -1, "is a directory, not an image");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in, file.toString());
        }
    }

    /**
     * A picture's bytes (PNG, JPEG, or what else ImageIO reads), prepared as {@link #read} prepares a file's.
     *
     * @param bytes the encoded picture
     * @param name  names the picture in errors
     * @return a float32 [784] tensor in [0, 1]
     * @throws FileFormatException when the bytes are no picture, a picture too large, or a blank one
     */
    public static Tensor decode(byte[] bytes, String name) throws FileFormatException {
        // In memory: ImageIO's own stream for an InputStream would cache it in a temporary file.
        try (ImageInputStream in = new javax.imageio.stream.MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return decode(in, name);
        } catch (FileFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FileFormatException(name, -1, "is a broken image (" + e.getMessage() + ")");
        }
    }

    /** Decodes one picture, refusing from its header one too large to decode, then prepares it. */
    private static Tensor decode(ImageInputStream in, String name) throws IOException {
        BufferedImage image;
        try {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new FileFormatException(name, -1, "is not an image that can be read (PNG or JPEG)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new FileFormatException(name, -1, "is " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels; pictures of up to "
                            + MAX_PIXELS / 1_000_000 + " megapixels are read (scale it down first)");
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (FileFormatException | java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FileFormatException(name, -1, "is a broken image (" + e.getMessage() + ")");
        }
        if (image == null || image.getWidth() == 0 || image.getHeight() == 0) {
            throw new FileFormatException(name, -1, "is not an image that can be read (PNG or JPEG)");
        }
        try {
            return toMnist(image);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(name, -1, e.getMessage());
        }
    }

    /**
     * A picture of one digit prepared as MNIST was made (see the class comment). On a transparent background, the
     * opaque strokes are the digit, whatever their colour.
     *
     * @param image the picture
     * @return a picture of one digit prepared as MNIST was made
     * @throws IllegalArgumentException when nothing stands out from the background: there is no digit to read
     */
    public static Tensor toMnist(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        float[] gray = gray(image);
        float border = 0;
        for (int x = 0; x < w; x++) {
            border += gray[x] + gray[(h - 1) * w + x];
        }
        for (int y = 0; y < h; y++) {
            border += gray[y * w] + gray[y * w + w - 1];
        }
        float background = border / (2 * (w + h));
        boolean invert = background >= 0.5f;
        background = invert ? 1 - background : background;
        // Light ink on a dark background, the background itself taken to 0 (a grey page is no digit), in whole-picture
        // loops without a branch inside, which the JIT runs a vector at a time.
        if (invert) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = Math.max(0, (1 - gray[i] - background) / (1 - background));
            }
        } else {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = Math.max(0, (gray[i] - background) / (1 - background));
            }
        }
        // The box of what is clearly ink, each row scanned from both ends.
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int first = 0, last = w - 1;
            while (first < w && !(gray[row + first] > 0.2f)) {
                first++;
            }
            if (first == w) {
                continue;
            }
            while (!(gray[row + last] > 0.2f)) {
                last--;
            }
            x0 = Math.min(x0, first);
            x1 = Math.max(x1, last);
            y0 = Math.min(y0, y);
            y1 = y;
        }
        if (x1 < 0) {
            throw new IllegalArgumentException("holds no digit: the picture is blank (nothing stands out from its background)");
        }
        float[] field = new float[SIDE * SIDE];
        int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        double scale = (double) BOX / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale)), sh = Math.max(1, (int) Math.round(ch * scale));
        float[] box = new float[sw * sh];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                box[y * sw + x] = area(gray, w, x0 + x / scale, y0 + y / scale, 1 / scale);
            }
        }
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                mass += box[y * sw + x];
                mx += (x + 0.5) * box[y * sw + x];
                my += (y + 0.5) * box[y * sw + x];
            }
        }
        int ox = (int) Math.round(SIDE / 2.0 - mx / mass), oy = (int) Math.round(SIDE / 2.0 - my / mass);
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int fx = ox + x, fy = oy + y;
                if (fx >= 0 && fx < SIDE && fy >= 0 && fy < SIDE) {
                    field[fy * SIDE + fx] = Math.min(1, box[y * sw + x]);
                }
            }
        }
        return Tensor.of(field);
    }

    /**
     * The picture as gray levels in [0, 1], one float a pixel: the luma of each pixel, or, on a transparent background
     * (a pixel less than half opaque), how transparent it is, so that the opaque strokes are the ink whatever their colour.
     */
    private static float[] gray(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        float[] gray = new float[w * h];
        ColorModel colors = image.getColorModel();
        WritableRaster raster = image.getRaster();
        if (!(colors instanceof ComponentColorModel) || !colors.getColorSpace().isCS_sRGB() || colors.isAlphaPremultiplied()
                || colors.getNumComponents() < 3 || Arrays.stream(colors.getComponentSize()).anyMatch(bits -> bits != 8)
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel layout) || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            boolean transparent = false;
            for (int i = 0; i < argb.length && !transparent && colors.hasAlpha(); i++) {
                transparent = (argb[i] >>> 24) < 128;
            }
            for (int i = 0; i < argb.length; i++) {
                int rgb = argb[i];
                gray[i] = transparent ? rgb >>> 24 : RED[(rgb >> 16) & 0xFF] + GREEN[(rgb >> 8) & 0xFF] + BLUE[rgb & 0xFF];
            }
            return divided(gray, transparent);
        }
        // 8-bit sRGB bytes, what PNGs from a browser and JPEGs decode to, are read straight from the raster: getRGB
        // converts them one pixel at a time, at twice the cost of the rest of the preparation.
        byte[] bytes = buffer.getData();
        int[] band = layout.getBandOffsets();
        int stride = layout.getPixelStride(), scanline = layout.getScanlineStride(), start = buffer.getOffset();
        boolean transparent = false;
        for (int y = 0; y < h && !transparent && colors.hasAlpha(); y++) {
            for (int x = 0, p = start + y * scanline + band[3]; x < w && !transparent; x++, p += stride) {
                transparent = (bytes[p] & 0xFF) < 128;
            }
        }
        int red = band[0], green = band[1], blue = band[2], alpha = transparent ? band[3] : 0;
        for (int y = 0; y < h; y++) {
            int i = y * w, p = start + y * scanline;
            if (transparent) {
                for (int x = 0; x < w; x++, p += stride) {
                    gray[i + x] = bytes[p + alpha] & 0xFF;
                }
            } else {
                for (int x = 0; x < w; x++, p += stride) {
                    gray[i + x] = RED[bytes[p + red] & 0xFF] + GREEN[bytes[p + green] & 0xFF] + BLUE[bytes[p + blue] & 0xFF];
                }
            }
        }
        return divided(gray, transparent);
    }

    /**
     * Each pixel's sum of luma terms over 255 (its luma), or, for a transparent picture, 1 less its alpha over 255 (how
     * transparent it is): in loops of their own, which the JIT runs a vector at a time, after the loops that read the
     * pixels.
     */
    private static float[] divided(float[] gray, boolean transparent) {
        if (transparent) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = 1 - gray[i] / 255f;
            }
        } else {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = gray[i] / 255f;
            }
        }
        return gray;
    }

    /**
     * The three terms of a pixel's luma for each byte value, {@code 0.299f * v}, {@code 0.587f * v} and {@code 0.114f * v}:
     * looked up, the same floats as computed, at a quarter of the time (three int-to-float conversions a pixel were 80%
     * of the preparation of a 280x280 picture).
     */
    private static final float[] RED = new float[256], GREEN = new float[256], BLUE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            RED[v] = 0.299f * v;
            GREEN[v] = 0.587f * v;
            BLUE[v] = 0.114f * v;
        }
    }

    /** The mean of the {@code size} x {@code size} square of source pixels at (x, y), for anti-aliased scaling. */
    private static float area(float[] gray, int w, double x, double y, double size) {
        int h = gray.length / w;
        int xa = (int) Math.floor(x), ya = (int) Math.floor(y);
        int xb = Math.max(xa + 1, (int) Math.ceil(x + size)), yb = Math.max(ya + 1, (int) Math.ceil(y + size));
        double sum = 0;
        int n = 0;
        for (int yy = ya; yy < Math.min(yb, h); yy++) {
            for (int xx = xa; xx < Math.min(xb, w); xx++) {
                sum += gray[yy * w + xx];
                n++;
            }
        }
        return n == 0 ? 0 : (float) (sum / n);
    }
}
