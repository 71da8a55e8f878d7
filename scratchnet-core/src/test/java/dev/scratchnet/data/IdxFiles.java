package dev.scratchnet.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files and data sets for tests. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** The bytes of a uint8 IDX file with the given dimensions and values. */
    public static byte[] idx(int[] dims, byte[] values) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {0, 0, 8, (byte) dims.length});
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(values);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(raw);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A tiny data set in MNIST's layout: 4x4 images of {@code classes} classes, each class a bright pixel at its own
     * position plus noise, easy to learn.
     */
    public static Path writeDataset(Path dir, int train, int test, int classes) throws IOException {
        Files.createDirectories(dir);
        java.util.Random random = new java.util.Random(5);
        for (String part : new String[] {"train", "t10k"}) {
            int n = part.equals("train") ? train : test;
            byte[] images = new byte[n * 16];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int label = random.nextInt(classes);
                labels[i] = (byte) label;
                for (int p = 0; p < 16; p++) {
                    images[i * 16 + p] = (byte) random.nextInt(40);
                }
                images[i * 16 + label] = (byte) 250;
            }
            Files.write(dir.resolve(part + "-images-idx3-ubyte"), idx(new int[] {n, 4, 4}, images));
            Files.write(dir.resolve(part + "-labels-idx1-ubyte.gz"), gzip(idx(new int[] {n}, labels)));
        }
        return dir;
    }

    /**
     * A data set of 28x28 images, MNIST's size, of {@code classes} classes: every pixel whose index is the label modulo
     * {@code classes} bright, the rest noise; a few epochs learn it.
     */
    public static Path writeMnistSized(Path dir, int train, int test, int classes) throws IOException {
        Files.createDirectories(dir);
        java.util.Random random = new java.util.Random(3);
        for (String part : new String[] {"train", "t10k"}) {
            int n = part.equals("train") ? train : test;
            byte[] images = new byte[n * 784], labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) random.nextInt(classes);
                for (int p = 0; p < 784; p++) {
                    images[i * 784 + p] = (byte) (p % classes == labels[i] ? 200 : random.nextInt(30));
                }
            }
            Files.write(dir.resolve(part + "-images-idx3-ubyte"), idx(new int[] {n, 28, 28}, images));
            Files.write(dir.resolve(part + "-labels-idx1-ubyte"), idx(new int[] {n}, labels));
        }
        return dir;
    }
}
