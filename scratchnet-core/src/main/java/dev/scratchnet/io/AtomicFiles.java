package dev.scratchnet.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files whole or not at all: into a temporary file beside the target, {@code .NAME-RANDOM.tmp}, renamed over
 * it when complete. The temporary file is locked while it is written, so a later write can tell the leftovers of a
 * killed process (unlocked) from a write in progress (locked), and removes the leftovers. Files are created with the
 * permissions the process's umask gives, like any other file the user makes.
 */
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
         * @throws IOException when writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} through a temporary file in its folder that is renamed over it once complete.
     *
     * @param target the file to write
     * @param writer writes the contents
     * @throws IOException when the file cannot be written; the target is then as it was
     */
    @SuppressWarnings("try") // the lock marks the file as being written while it is open
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String prefix = "." + target.getFileName() + "-";
        removeLeftovers(dir, prefix);
        Path temp = createTemp(dir, prefix);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.write(out);
                out.flush();
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
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
     * @throws IOException when the file cannot be written
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A claim on a target, held until closed. */
    public interface Claim extends AutoCloseable {
        /** Gives the target up. */
        @Override
        void close() throws IOException;
    }

    /**
     * Claims {@code target} for this process until the claim is closed, so that two runs never write one file in turn
     * without knowing: a second claim, from this process or any other, fails at once. The claim is a lock on
     * {@code .NAME.lock} beside the target, which the system releases if the process dies, and which is deleted when
     * the claim is closed.
     *
     * @param target the file to claim
     * @return the claim
     * @throws IOException when another claim holds the target, or the lock file cannot be made
     */
    public static Claim claim(Path target) throws IOException {
        Path lockFile = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(target + ": another run is writing it (it holds " + lockFile.getFileName() + "); wait for it to finish or choose another file");
        }
        return () -> {
            Files.deleteIfExists(lockFile);
            channel.close();
        };
    }

    /** A new empty file {@code PREFIX-RANDOM.tmp} in {@code dir}, with the umask's permissions (not 0600). */
    private static Path createTemp(Path dir, String prefix) throws IOException {
        while (true) {
            try {
                return Files.createFile(dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp"));
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** Deletes the temporary files of earlier writes of the same target that nobody holds locked: their writers died. */
    private static void removeLeftovers(Path dir, String prefix) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp");
        })) {
            for (Path temp : temps) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                    if (lock != null) {
                        Files.deleteIfExists(temp);
                    }
                } catch (OverlappingFileLockException | java.nio.file.NoSuchFileException e) {
                    // written by this process right now, or just finished
                }
            }
        }
    }
}
