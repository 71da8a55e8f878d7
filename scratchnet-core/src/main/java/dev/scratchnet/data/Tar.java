package dev.scratchnet.data;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a POSIX (ustar) tar stream, as {@code npm pack} writes it: a 512-byte header per entry
 * (name, octal size, type), then the entry's bytes padded to a multiple of 512, and two zero blocks at the end.
 * Extended headers (pax, GNU long names) are read past as entries of their own type.
 */
final class Tar {
    private static final int BLOCK = 512;

    /** One entry: its full name (ustar prefix and name), its size in bytes and its type flag ('0' for a file). */
    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == '\0';
        }
    }

    private final InputStream in;
    private long remaining;
    private long padding;

    Tar(InputStream in) {
        this.in = in;
    }

    /** The next entry, whose bytes {@link #content()} then reads, or null at the end of the archive. */
    Entry next() throws IOException {
        skipFully(remaining + padding);
        byte[] header = in.readNBytes(BLOCK);
        if (header.length == 0 || isZero(header)) {
            return null;
        }
        if (header.length < BLOCK) {
            throw new EOFException("tar archive ends inside an entry's header");
        }
        checkSum(header);
        String name = text(header, 0, 100);
        String prefix = text(header, 345, 155);
        long size = size(header);
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return new Entry(prefix.isEmpty() ? name : prefix + "/" + name, size, (char) header[156]);
    }

    /** The bytes of the entry {@link #next()} returned; closing it leaves the archive open. */
    InputStream content() {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("tar archive ends inside an entry");
                }
                remaining--;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException("tar archive ends inside an entry");
                }
                remaining -= n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    private void skipFully(long n) throws IOException {
        for (long left = n; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar archive ends inside an entry");
                }
                skipped = 1;
            }
            left -= skipped;
        }
        remaining = 0;
        padding = 0;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int from, int length) {
        int end = from;
        while (end < from + length && header[end] != 0) {
            end++;
        }
        return new String(header, from, end - from, StandardCharsets.UTF_8);
    }

    /** The size field: octal digits, or base-256 when its first byte has the high bit set (GNU, for sizes over 8 GB). */
    private static long size(byte[] header) throws IOException {
        if ((header[124] & 0x80) != 0) {
            throw new IOException("tar entry of more than 8 GB");
        }
        String digits = text(header, 124, 12).trim();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new IOException("tar header has a size that is not an octal number: '" + digits + "'");
        }
    }

    /** The header's checksum: the sum of its bytes with the checksum field itself counted as spaces. */
    private static void checkSum(byte[] header) throws IOException {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        String stored = text(header, 148, 8).trim();
        try {
            if (Long.parseLong(stored, 8) != sum) {
                throw new IOException("tar header checksum does not match: the archive is damaged");
            }
        } catch (NumberFormatException e) {
            throw new IOException("tar header has a checksum that is not an octal number: '" + stored + "'");
        }
    }
}
