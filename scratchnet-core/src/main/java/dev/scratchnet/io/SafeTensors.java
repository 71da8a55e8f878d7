package dev.scratchnet.io;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Memory;
import dev.scratchnet.tensor.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor's name to its
 * dtype, shape and byte range ({@code data_offsets}, relative to the end of the header), optional string
 * {@code __metadata__}, then the little-endian values.
 */
public final class SafeTensors {
    private static final Map<DType, String> NAMES = Map.of(DType.FLOAT32, "F32", DType.FLOAT64, "F64", DType.INT32, "I32",
            DType.INT64, "I64", DType.UINT8, "U8", DType.BOOL, "BOOL");
    /** The largest header read: 8 MB describe some 80,000 tensors, far more than any model here, and parse in well under a second. */
    private static final long MAX_HEADER = 8L << 20;
    private static final String METADATA = "__metadata__";

    private SafeTensors() {
    }

    /**
     * Writes the checkpoint as a safetensors file, whole or not at all.
     *
     * @param file the file
     * @param checkpoint the checkpoint
     * @throws IOException when the file cannot be read or written
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!checkpoint.metadata().isEmpty()) {
            header.put(METADATA, checkpoint.metadata());
        }
        long offset = 0;
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : checkpoint.tensors().entrySet()) {
            Tensor t = e.getValue();
            byte[] b = TensorBytes.toBytes(t);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", NAMES.get(t.dtype()));
            entry.put("shape", Arrays.stream(t.shape().dims()).boxed().toList());
            entry.put("data_offsets", List.of(offset, offset + b.length));
            header.put(e.getKey(), entry);
            bytes.put(e.getKey(), b);
            offset += b.length;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (byte[] b : bytes.values()) {
                out.write(b);
            }
        });
    }

    /**
     * Reads a safetensors file, checking every declared size against the file before anything is allocated.
     *
     * @param file the file
     * @return the tensors and metadata
     * @throws IOException when the file cannot be read or written
     */
    public static Checkpoint read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, -1, "is a directory, not a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size < 8) {
                throw new FileFormatException(file, 0, "is " + size + " bytes long, too short for a safetensors header");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > size - 8) {
                throw new FileFormatException(file, 0, "header length " + Long.toUnsignedString(headerLength) + " does not fit a file of " + size + " bytes");
            }
            if (headerLength > MAX_HEADER) {
                throw new FileFormatException(file, 0, "header of " + Memory.format(headerLength) + " is larger than the " + Memory.format(MAX_HEADER)
                        + " read (it would describe hundreds of thousands of tensors)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, 8);
            Object parsed;
            try {
                parsed = Json.parse(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (Json.SyntaxException e) {
                throw new FileFormatException(file, 8, "header is not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw new FileFormatException(file, 8, "header is not a JSON object");
            }
            long dataStart = 8 + headerLength, dataSize = size - dataStart;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals(METADATA)) {
                    readMetadata(file, e.getValue(), metadata);
                } else {
                    tensors.put(name, readTensor(file, channel, name, e.getValue(), dataStart, dataSize));
                }
            }
            return new Checkpoint(tensors, metadata);
        }
    }

    private static void readMetadata(Path file, Object value, Map<String, String> metadata) throws FileFormatException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new FileFormatException(file, 8, METADATA + " is not an object of strings");
        }
        for (Map.Entry<?, ?> m : map.entrySet()) {
            if (!(m.getValue() instanceof String s)) {
                throw new FileFormatException(file, 8, METADATA + " entry '" + m.getKey() + "' is not a string");
            }
            metadata.put((String) m.getKey(), s);
        }
    }

    private static Tensor readTensor(Path file, FileChannel channel, String name, Object value, long dataStart, long dataSize) throws IOException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> entry) || !(entry.get("dtype") instanceof String dtypeName)
                || !(entry.get("shape") instanceof List<?> shape) || !(entry.get("data_offsets") instanceof List<?> offsets)) {
            throw new FileFormatException(file, 8, where + " needs a string dtype, a shape and data_offsets, but has " + Json.write(value));
        }
        DType dtype = NAMES.entrySet().stream().filter(n -> n.getValue().equals(dtypeName)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new FileFormatException(file, 8, where + " has dtype '" + dtypeName + "', not one of " + NAMES.values()));
        int[] dims = new int[shape.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(shape.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE || (count *= d) > Integer.MAX_VALUE) {
                throw new FileFormatException(file, 8, where + " has a negative, fractional or too large shape " + Json.write(shape));
            }
            dims[i] = (int) (long) d;
        }
        if (offsets.size() != 2 || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                || begin < 0 || end < begin || end > dataSize) {
            throw new FileFormatException(file, dataStart, where + " has data_offsets " + Json.write(offsets) + " outside the " + dataSize + " data bytes");
        }
        if (end - begin > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(file, dataStart + begin, where + " holds " + Memory.format(end - begin) + "; tensors of up to 2 GB are read");
        }
        String shortfall = Memory.shortfall(end - begin);
        if (shortfall != null) {
            throw new FileFormatException(file, dataStart + begin, where + " " + shortfall);
        }
        if (end - begin != count * dtype.byteSize()) {
            throw new FileFormatException(file, dataStart + begin, where + ": " + dtypeName + Json.write(shape) + " needs " + count * dtype.byteSize()
                    + " bytes but data_offsets give " + (end - begin));
        }
        ByteBuffer data = ByteBuffer.allocate((int) (end - begin));
        channel.read(data, dataStart + begin);
        return TensorBytes.fromBytes(data.flip(), dtype, Shape.of(dims));
    }
}
