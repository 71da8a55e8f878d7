package dev.scratchnet.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor's name to its
 * dtype, shape and byte range ({@code data_offsets}, relative to the end of the header), optional string
 * {@code __metadata__}, then the little-endian values.
 */
public final class SafeTensors {
    private static final Map<DType, String> NAMES = Map.of(DType.FLOAT32, "F32", DType.FLOAT64, "F64", DType.INT32, "I32",
            DType.INT64, "I64", DType.UINT8, "U8", DType.BOOL, "BOOL");
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        JsonObject header = new JsonObject();
        if (!checkpoint.metadata().isEmpty()) {
            JsonObject meta = new JsonObject();
            checkpoint.metadata().forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : checkpoint.tensors().entrySet()) {
            Tensor t = e.getValue();
            byte[] b = TensorBytes.toBytes(t);
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", NAMES.get(t.dtype()));
            JsonArray shape = new JsonArray();
            for (int d : t.shape().dims()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + b.length);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            bytes.put(e.getKey(), b);
            offset += b.length;
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
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
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw new FileFormatException(file, 0, "header length " + Long.toUnsignedString(headerLength) + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, 8);
            JsonObject header;
            String json = new String(headerBytes.array(), StandardCharsets.UTF_8);
            try {
                requireUniqueNames(file, json);
                JsonElement parsed = JsonParser.parseString(json);
                if (!parsed.isJsonObject()) {
                    throw new FileFormatException(file, 8, "header is not a JSON object");
                }
                header = parsed.getAsJsonObject();
            } catch (JsonParseException | IOException | IllegalStateException | StackOverflowError e) {
                if (e instanceof FileFormatException f) {
                    throw f;
                }
                throw new FileFormatException(file, 8, "header is not valid JSON (" + e.getClass().getSimpleName() + ")");
            }
            long dataStart = 8 + headerLength, dataSize = size - dataStart;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    readMetadata(file, e.getValue(), metadata);
                    continue;
                }
                tensors.put(e.getKey(), readTensor(file, channel, e.getKey(), e.getValue(), dataStart, dataSize));
            }
            return new Checkpoint(tensors, metadata);
        }
    }

    /** Refuses a header that names a tensor twice (a JSON parser would silently keep the last). */
    private static void requireUniqueNames(Path file, String json) throws IOException {
        try (com.google.gson.stream.JsonReader reader = new com.google.gson.stream.JsonReader(new java.io.StringReader(json))) {
            java.util.Set<String> names = new java.util.HashSet<>();
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!names.add(name)) {
                    throw new FileFormatException(file, 8, "header names '" + name + "' twice");
                }
                reader.skipValue();
            }
        }
    }

    private static void readMetadata(Path file, JsonElement value, Map<String, String> metadata) throws FileFormatException {
        if (!value.isJsonObject()) {
            throw new FileFormatException(file, 8, "__metadata__ is not an object of strings");
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString()) {
                throw new FileFormatException(file, 8, "__metadata__ entry '" + m.getKey() + "' is not a string");
            }
            metadata.put(m.getKey(), m.getValue().getAsString());
        }
    }

    private static Tensor readTensor(Path file, FileChannel channel, String name, JsonElement value, long dataStart, long dataSize) throws IOException {
        String where = "tensor '" + name + "'";
        try {
            JsonObject entry = value.getAsJsonObject();
            String dtypeName = entry.get("dtype").getAsString();
            DType dtype = NAMES.entrySet().stream().filter(n -> n.getValue().equals(dtypeName)).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new FileFormatException(file, 8, where + " has dtype '" + dtypeName + "', not one of " + NAMES.values()));
            JsonArray shapeJson = entry.getAsJsonArray("shape");
            int[] dims = new int[shapeJson.size()];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                long d = shapeJson.get(i).getAsLong();
                count *= Math.max(d, 0);
                if (d < 0 || d > Integer.MAX_VALUE || count > Integer.MAX_VALUE) {
                    throw new FileFormatException(file, 8, where + " has a negative or too large shape " + shapeJson);
                }
                dims[i] = (int) d;
            }
            JsonArray offsets = entry.getAsJsonArray("data_offsets");
            long begin = offsets.get(0).getAsLong(), end = offsets.get(1).getAsLong();
            if (offsets.size() != 2 || begin < 0 || end < begin || end > dataSize) {
                throw new FileFormatException(file, dataStart, where + " has data_offsets " + offsets + " outside the " + dataSize + " data bytes");
            }
            if (end - begin != count * dtype.byteSize()) {
                throw new FileFormatException(file, dataStart + begin, where + ": " + dtypeName + shapeJson + " needs " + count * dtype.byteSize()
                        + " bytes but data_offsets give " + (end - begin));
            }
            ByteBuffer data = ByteBuffer.allocate((int) (end - begin));
            channel.read(data, dataStart + begin);
            return TensorBytes.fromBytes(data.flip(), dtype, Shape.of(dims));
        } catch (IllegalStateException | NullPointerException | UnsupportedOperationException | IndexOutOfBoundsException | NumberFormatException
                 | ClassCastException e) {
            throw new FileFormatException(file, 8, where + " has a malformed header entry " + value);
        }
    }
}
