package dev.scratchnet.data;

/** A file a data set needs: its name and the SHA-256 of its uncompressed contents (lower-case hex). */
public record FileSpec(String name, String sha256) {
}
