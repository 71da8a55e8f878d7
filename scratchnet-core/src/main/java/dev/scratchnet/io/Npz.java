package dev.scratchnet.io;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Memory;
import dev.scratchnet.tensor.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz}: a zip archive of {@code NAME.npy} files, each a magic string, a version, a header (a Python
 * dict literal with {@code descr}, {@code fortran_order} and {@code shape}) and little-endian values. Metadata is
 * kept as a uint8 array {@code __metadata__} holding its JSON.
 */
public final class Npz {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<DType, String> DESCR = Map.of(DType.FLOAT32, "<f4", DType.FLOAT64, "<f8", DType.INT32, "<i4",
            DType.INT64, "<i8", DType.UINT8, "|u1", DType.BOOL, "|b1");
    private static final Pattern HEADER = Pattern.compile(
            "\\{\\s*'descr'\\s*:\\s*'([^']*)'\\s*,\\s*'fortran_order'\\s*:\\s*(True|False)\\s*,\\s*'shape'\\s*:\\s*\\(([^)]*)\\)\\s*,?\\s*}\\s*");
    private static final String METADATA = "__metadata__";

    private Npz() {
    }

    /**
     * Writes the checkpoint as an npz archive, whole or not at all.
     *
     * @param file the file
     * @param checkpoint the checkpoint
     * @throws IOException when the file cannot be read or written
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, Tensor> e : checkpoint.tensors().entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                writeNpy(zip, e.getValue());
                zip.closeEntry();
            }
            if (!checkpoint.metadata().isEmpty()) {
                zip.putNextEntry(new ZipEntry(METADATA + ".npy"));
                byte[] json = Json.write(checkpoint.metadata()).getBytes(StandardCharsets.UTF_8);
                writeNpy(zip, Tensor.ofUInt8(json));
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static void writeNpy(java.io.OutputStream out, Tensor t) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (int d : t.shape().dims()) {
            shape.append(d).append(", ");
        }
        String dims = t.rank() == 1 ? shape.toString().trim() : shape.length() == 0 ? "" : shape.substring(0, shape.length() - 2);
        String header = "{'descr': '" + DESCR.get(t.dtype()) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        int padding = (64 - total % 64) % 64;
        header = header + " ".repeat(padding) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0});
        out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(TensorBytes.toBytes(t));
    }

    /**
     * Reads an npz archive, checking every array's header against its data before anything is allocated.
     *
     * @param file the file
     * @return the tensors and metadata
     * @throws IOException when the file cannot be read or written
     */
    public static Checkpoint read(Path file) throws IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new FileFormatException(file, -1, "is a directory, not an npz file");
        }
        java.nio.file.Files.newByteChannel(file).close(); // a missing or unreadable file keeps its own exception
        try {
            return readArchive(file);
        } catch (FileFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FileFormatException(file, -1, "is not a valid npz (zip) archive: " + e.getMessage());
        }
    }

    private static Checkpoint readArchive(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new FileFormatException(file, -1, "entry '" + name + "' is not a .npy array");
                }
                String key = name.substring(0, name.length() - 4);
                if (tensors.containsKey(key)) {
                    throw new FileFormatException(file, -1, "holds the array '" + key + "' twice");
                }
                Tensor t;
                try (InputStream in = zip.getInputStream(entry)) {
                    t = readNpy(in, file + "!" + name, entry.getSize());
                }
                if (key.equals(METADATA)) {
                    String json = new String(t.toUInt8Array(), StandardCharsets.UTF_8);
                    Object meta;
                    try {
                        meta = Json.parse(json);
                    } catch (Json.SyntaxException e) {
                        throw new FileFormatException(file, -1, "__metadata__ is not valid JSON: " + e.getMessage());
                    }
                    if (!(meta instanceof Map<?, ?> map) || !map.values().stream().allMatch(v -> v instanceof String)) {
                        throw new FileFormatException(file, -1, "__metadata__ is not a JSON object of strings");
                    }
                    map.forEach((k, v) -> metadata.put((String) k, (String) v));
                } else {
                    tensors.put(key, t);
                }
            }
        }
        return new Checkpoint(tensors, metadata);
    }

    private static Tensor readNpy(InputStream in, String name, long entrySize) throws IOException {
        byte[] prefix = in.readNBytes(10);
        if (prefix.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(prefix, 6), MAGIC)) {
            throw new FileFormatException(name, 0, "is not a .npy array (bad magic)");
        }
        int major = prefix[6];
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = ByteBuffer.wrap(prefix, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            headerLength = ByteBuffer.wrap(new byte[] {prefix[8], prefix[9], more.length > 0 ? more[0] : 0, more.length > 1 ? more[1] : 0})
                    .order(ByteOrder.LITTLE_ENDIAN).getInt();
            headerStart = 12;
        } else {
            throw new FileFormatException(name, 6, "npy version " + major + " is not supported");
        }
        if (headerLength < 0 || headerLength > 1 << 20) {
            throw new FileFormatException(name, 8, "header length " + headerLength + " is not plausible");
        }
        String header = new String(in.readNBytes(headerLength), StandardCharsets.ISO_8859_1);
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            throw new FileFormatException(name, headerStart, "header " + header.trim() + " is not a plain npy header");
        }
        DType dtype = DESCR.entrySet().stream().filter(e -> e.getValue().equals(m.group(1)) || e.getValue().replace('|', '<').equals(m.group(1)))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new FileFormatException(name, headerStart, "dtype '" + m.group(1) + "' is not supported"));
        if (m.group(2).equals("True")) {
            throw new FileFormatException(name, headerStart, "Fortran-ordered arrays are not supported");
        }
        String[] parts = m.group(3).split(",");
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        long count = 1;
        for (String p : parts) {
            if (!p.isBlank()) {
                long d;
                try {
                    d = Long.parseLong(p.trim());
                } catch (NumberFormatException e) {
                    throw new FileFormatException(name, headerStart, "shape (" + m.group(3) + ") is not a tuple of integers");
                }
                count *= Math.max(d, 0);
                if (d < 0 || count > Integer.MAX_VALUE) {
                    throw new FileFormatException(name, headerStart, "shape (" + m.group(3) + ") is negative or too large");
                }
                dims.add((int) d);
            }
        }
        long bytes = count * dtype.byteSize();
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new FileFormatException(name, headerStart, "shape (" + m.group(3) + ") declares more than 2 GB of data");
        }
        if (entrySize >= 0 && entrySize != headerStart + headerLength + bytes) {
            throw new FileFormatException(name, headerStart + headerLength, "shape (" + m.group(3) + ") needs " + bytes
                    + " data bytes but the entry holds " + (entrySize - headerStart - headerLength));
        }
        String shortfall = Memory.shortfall(bytes);
        if (shortfall != null) {
            throw new FileFormatException(name, headerStart, "shape (" + m.group(3) + ") " + shortfall);
        }
        byte[] buf = in.readNBytes((int) bytes);
        if (buf.length != bytes) {
            throw new FileFormatException(name, headerStart + headerLength + buf.length, "array ends after " + buf.length + " of " + bytes + " data bytes");
        }
        return TensorBytes.fromBytes(ByteBuffer.wrap(buf), dtype, Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()));
    }
}
