package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.Memory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of the MNIST files: two zero bytes, a type byte (0x08 for unsigned bytes), the number
 * of dimensions, each dimension as a big-endian 32-bit integer, then the values. Raw and gzip-compressed files
 * are both accepted (recognised by their first bytes, not their name).
 */
public final class Idx {
    private static final int UBYTE = 0x08;
    private static final int MAX_RANK = 8;

    private Idx() {
    }

    /**
     * The file's contents as a uint8 tensor of the shape its header declares.
     *
     * @param file the file
     * @return the file's contents as a uint8 tensor of the shape its header declares
     * @throws IOException when the file cannot be read or written
     */
    public static Tensor read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, -1, "is a directory, not an IDX file");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (gzip) {
                try (InputStream in = new BufferedInputStream(new GZIPInputStream(raw))) {
                    return read(in, -1, file + " (gzip)");
                } catch (FileFormatException e) {
                    throw e;
                } catch (IOException e) {
                    throw new FileFormatException(file, -1, "broken gzip data: " + e.getMessage());
                }
            }
            return read(raw, Files.size(file), file.toString());
        }
    }

    /**
     * Reads one IDX stream; {@code length} is the stream's size in bytes when known (-1 otherwise), so that a
     * header declaring more data than the file holds is refused before anything is allocated.
     *
     * @param stream where to write
     * @param length the number of elements
     * @param name the name
     * @return the stream's contents as a uint8 tensor of the shape its header declares
     * @throws IOException when the file cannot be read or written
     */
    public static Tensor read(InputStream stream, long length, String name) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int[] header = new int[4];
        for (int i = 0; i < 4; i++) {
            header[i] = readByte(in, name, i);
        }
        if (header[0] != 0 || header[1] != 0) {
            throw new FileFormatException(name, 0, String.format("bad magic number %02x%02x%02x%02x: not an IDX file", header[0], header[1], header[2], header[3]));
        }
        if (header[2] != UBYTE) {
            throw new FileFormatException(name, 2, String.format("element type 0x%02x is not supported (only 0x08, unsigned byte)", header[2]));
        }
        int rank = header[3];
        if (rank < 1 || rank > MAX_RANK) {
            throw new FileFormatException(name, 3, "number of dimensions " + rank + " is outside 1.." + MAX_RANK);
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            long offset = 4 + 4L * i;
            dims[i] = readInt(in, name, offset);
            if (dims[i] < 0) {
                throw new FileFormatException(name, offset, "dimension " + i + " is negative (" + dims[i] + ")");
            }
            size *= dims[i];
            if (size > Integer.MAX_VALUE - 64) {
                throw new FileFormatException(name, offset, "dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " declare more than 2^31 values");
            }
        }
        long headerSize = 4 + 4L * rank;
        String shortfall = Memory.shortfall(size);
        if (shortfall != null) {
            throw new FileFormatException(name, 4, "dimensions " + Arrays.toString(dims) + " declare " + Memory.format(size) + " of data, which "
                    + shortfall);
        }
        if (length >= 0 && length - headerSize != size) {
            throw new FileFormatException(name, headerSize, "dimensions " + Arrays.toString(dims) + " declare " + size
                    + " bytes of data but the file holds " + (length - headerSize));
        }
        byte[] data = length >= 0 ? readKnown(in, (int) size) : in.readNBytes((int) size);
        if (data.length != size) {
            throw new FileFormatException(name, headerSize + data.length, "file ends after " + data.length + " of the " + size
                    + " data bytes that dimensions " + Arrays.toString(dims) + " declare");
        }
        if (length < 0 && in.read() != -1) {
            throw new FileFormatException(name, headerSize + size, "data continues past the " + size + " bytes that dimensions "
                    + Arrays.toString(dims) + " declare");
        }
        return Tensor.ofUInt8(data, dims);
    }

    /**
     * {@code size} bytes whose presence the file's length has confirmed, read straight into one array, a megabyte at a
     * time (one large read would make NIO keep a direct buffer of that size for the rest of the run); a shorter array
     * if the stream ends early. Without a known length, {@link InputStream#readNBytes(int)} grows its buffer as data
     * arrives instead, so that a compressed file declaring gigabytes cannot make us allocate them.
     */
    private static byte[] readKnown(InputStream in, int size) throws IOException {
        byte[] data = new byte[size];
        int read = 0;
        while (read < size) {
            int n = in.readNBytes(data, read, Math.min(1 << 20, size - read));
            if (n == 0) {
                return Arrays.copyOf(data, read);
            }
            read += n;
        }
        return data;
    }

    private static int readByte(DataInputStream in, String name, long offset) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new FileFormatException(name, offset, "file ends inside the IDX header");
        }
        return b;
    }

    private static int readInt(DataInputStream in, String name, long offset) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new FileFormatException(name, offset, "file ends inside the IDX header");
        }
    }
}
