package dev.scratchnet.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read as the format it should have: names the file, what is wrong and, where it makes
 * sense, the byte offset. The one exception type the project's parsers throw for bad content.
 */
public class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file's name or path. */
    private final String file;
    /** Where the problem was found, or -1. */
    private final long offset;

    /**
     * A problem found in {@code file} at byte {@code offset}.
     *
     * @param file the file's name or path
     * @param offset the byte where the problem was found, or -1 for the file as a whole
     * @param problem what is wrong
     */
    public FileFormatException(String file, long offset, String problem) {
        super(file + (offset >= 0 ? " at byte " + offset : "") + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /**
     * A problem found in {@code file} at byte {@code offset}.
     *
     * @param file the file
     * @param offset the byte where the problem was found, or -1 for the file as a whole
     * @param problem what is wrong
     */
    public FileFormatException(Path file, long offset, String problem) {
        this(file.toString(), offset, problem);
    }

    /**
     * The file's name or path.
     *
     * @return the file's name or path
     */
    public String file() {
        return file;
    }

    /**
     * Where in the file the problem was found, or -1 for the file as a whole.
     *
     * @return where in the file the problem was found, or -1 for the file as a whole
     */
    public long offset() {
        return offset;
    }
}
