package dev.scratchnet.tensor;

import java.util.Locale;

/**
 * Whether the JVM can still hold an array of a given size: what file readers and the tool ask before allocating what
 * a file or a setting declares, so that a size too large ends in a sentence instead of an {@link OutOfMemoryError}
 * half-way through the work.
 */
public final class Memory {
    private Memory() {
    }

    /**
     * Checks that {@code bytes} more can be allocated on the heap, collecting garbage first if that is what decides.
     *
     * @param bytes the size of what is about to be allocated
     * @return null when it fits; otherwise the reason, as the end of a sentence ("needs 1.9 GB, but ...")
     */
    public static String shortfall(long bytes) {
        if (bytes <= free()) {
            return null;
        }
        System.gc();
        long free = free();
        if (bytes <= free) {
            return null;
        }
        return "needs " + format(bytes) + ", but the JVM has " + format(free) + " free of its " + format(Runtime.getRuntime().maxMemory())
                + " (give it more with -Xmx, in JAVA_OPTS for the scratchnet command)";
    }

    private static long free() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * A size in bytes as people read it.
     *
     * @param bytes a number of bytes
     * @return for example "512 KB", "1.9 GB"
     */
    public static String format(long bytes) {
        if (bytes < 1 << 20) {
            return (bytes + 1023) / 1024 + " KB";
        }
        return bytes < 1L << 30 ? String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0) : String.format(Locale.ROOT, "%.1f GB", bytes / 1073741824.0);
    }
}
