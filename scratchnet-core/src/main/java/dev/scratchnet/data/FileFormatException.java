package dev.scratchnet.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read as the format it should have: names the file, what is wrong and, where it makes
 * sense, the byte offset. The one exception type the project's parsers throw for bad content.
 */
public class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    public FileFormatException(String file, long offset, String problem) {
        super(file + (offset >= 0 ? " at byte " + offset : "") + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public FileFormatException(Path file, long offset, String problem) {
        this(file.toString(), offset, problem);
    }

    /** The file's name or path. */
    public String file() {
        return file;
    }

    /** Where in the file the problem was found, or -1 for the file as a whole. */
    public long offset() {
        return offset;
    }
}
