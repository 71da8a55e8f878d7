package dev.scratchnet.data;

/** A file a data set needs: its plain name (no directories) and the SHA-256 of its uncompressed contents (lower-case hex). */
public record FileSpec(String name, String sha256) {
    /**
     * Checks that the name and checksum are given.
     *
     * @param name the name
     * @param sha256 the SHA-256 of the contents, in hex
     */
    public FileSpec {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("data file name '" + name + "' must be a plain file name");
        }
    }
}
