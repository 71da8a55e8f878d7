package dev.scratchnet.data;

/** A file a data set needs: its plain name (no directories) and the SHA-256 of its uncompressed contents (lower-case hex). */
public record FileSpec(String name, String sha256) {
    public FileSpec {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("data file name '" + name + "' must be a plain file name");
        }
    }
}
