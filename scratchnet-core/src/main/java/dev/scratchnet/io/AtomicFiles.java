package dev.scratchnet.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files whole or not at all: into a temporary file beside the target, renamed over it when complete. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What writes the contents. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the file's contents.
         *
         * @param out the stream to write to
         * @throws IOException when the file cannot be read or written
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} through a temporary file in its folder that is renamed over it once complete.
     *
     * @param target the file to write
     * @param writer writes the contents
     * @throws IOException when the file cannot be read or written
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + "-", ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                writer.write(out);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes {@code text} as UTF-8 to {@code target}, whole or not at all.
     *
     * @param target the file to write
     * @param text the text
     * @throws IOException when the file cannot be read or written
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
