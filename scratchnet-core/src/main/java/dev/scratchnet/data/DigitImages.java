package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        InkRows ink = InkRows.of(image);
        int w = ink.width, h = ink.height;
        float[] row = new float[w];
        // The box of what is clearly ink.
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            ink.read(y, row);
            if (ink.firstInk >= 0) {
                x0 = Math.min(x0, ink.firstInk);
                x1 = Math.max(x1, ink.lastInk);
                y0 = Math.min(y0, y);
                y1 = y;
            }
        }
        if (x1 < 0) {
            throw new IllegalArgumentException("holds no digit: the picture is blank (nothing stands out from its background)");
        }
        int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        double scale = (double) BOX / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale)), sh = Math.max(1, (int) Math.round(ch * scale));
        // The levels of the pixels the scaled pixels' squares cover: the box, and a pixel more where the squares reach past it.
        int xEnd = x0 + 1, yEnd = y0 + 1;
        for (int x = 0; x < sw; x++) {
            xEnd = Math.max(xEnd, end(x0 + x / scale, 1 / scale));
        }
        for (int y = 0; y < sh; y++) {
            yEnd = Math.max(yEnd, end(y0 + y / scale, 1 / scale));
        }
        Region covered = new Region(x0, y0, Math.min(xEnd, w) - x0, Math.min(yEnd, h) - y0);
        for (int y = 0; y < covered.height; y++) {
            ink.read(y0 + y, row);
            System.arraycopy(row, x0, covered.levels, y * covered.width, covered.width);
        }
        float[] box = new float[sw * sh];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                box[y * sw + x] = covered.area(x0 + x / scale, y0 + y / scale, 1 / scale);
            }
        }
        float[] field = new float[SIDE * SIDE];
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

    /** The first pixel past the {@code size} x {@code size} square at {@code from}, along one axis. */
    private static int end(double from, double size) {
        return Math.max((int) Math.floor(from) + 1, (int) Math.ceil(from + size));
    }

    /** The ink levels of a rectangle of the picture, whose top left pixel is ({@code x0}, {@code y0}). */
    private record Region(int x0, int y0, int width, int height, float[] levels) {
        Region(int x0, int y0, int width, int height) {
            this(x0, y0, width, height, new float[width * height]);
        }

        /** The mean of the {@code size} x {@code size} square of pixels at (x, y), for anti-aliased scaling. */
        float area(double x, double y, double size) {
            int xa = (int) Math.floor(x), ya = (int) Math.floor(y);
            int xb = Math.min(end(x, size), x0 + width), yb = Math.min(end(y, size), y0 + height);
            double sum = 0;
            for (int yy = ya; yy < yb; yy++) {
                for (int xx = xa; xx < xb; xx++) {
                    sum += levels[(yy - y0) * width + xx - x0];
                }
            }
            int n = Math.max(0, xb - xa) * Math.max(0, yb - ya);
            return n == 0 ? 0 : (float) (sum / n);
        }
    }
}
