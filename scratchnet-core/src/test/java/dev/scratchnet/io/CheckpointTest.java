package dev.scratchnet.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("W1", Tensor.of(new float[] {1.5f, -2.25f, 3e-8f, Float.MAX_VALUE, -0f, 7}, 2, 3));
        t.put("b1", Tensor.of(new double[] {Math.PI, -1e300}));
        t.put("steps", Tensor.of(new long[] {Long.MAX_VALUE, -1}));
        t.put("ids", Tensor.of(new int[] {1, -2, 3}, 3, 1));
        t.put("pixels", Tensor.ofUInt8(new byte[] {0, (byte) 255}));
        t.put("mask", Tensor.of(new boolean[] {true, false, true}));
        t.put("scalar", Tensor.scalar(2.5f));
        return new Checkpoint(t, Map.of("epoch", "3", "note", "héllo"));
    }

    @Test
    void bothFormatsRoundTripExactly() throws IOException {
        Checkpoint original = sample();
        for (String name : new String[] {"model.safetensors", "model.npz"}) {
            Path file = dir.resolve(name);
            original.save(file);
            Checkpoint back = Checkpoint.load(file);
            assertEquals(original.tensors().keySet(), back.tensors().keySet(), name);
            for (String key : original.tensors().keySet()) {
                Tensor a = original.tensors().get(key), b = back.tensors().get(key);
                assertEquals(a.dtype(), b.dtype(), name + " " + key);
                assertEquals(a.shape(), b.shape(), name + " " + key);
                assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0, name + " " + key);
                assertArrayEquals(a.toLongArray(), b.toLongArray(), name + " " + key);
            }
            assertEquals(original.metadata(), back.metadata(), name);
        }
    }

    /** Reads our safetensors file with nothing but the format's specification. */
    @Test
    void ourSafetensorsFollowTheSpecification() throws IOException {
        Path file = dir.resolve("m.safetensors");
        sample().save(file);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, (8 + n) % 8, "the data starts 8-byte aligned");
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject w1 = header.getAsJsonObject("W1");
        assertEquals("F32", w1.get("dtype").getAsString());
        assertEquals("[2,3]", w1.get("shape").toString());
        long begin = w1.getAsJsonArray("data_offsets").get(0).getAsLong();
        assertEquals(-2.25f, buf.getFloat((int) (8 + n + begin + 4)));
        assertEquals("3", header.getAsJsonObject("__metadata__").get("epoch").getAsString());
        long end = 0;
        for (var e : header.entrySet()) {
            if (!e.getKey().equals("__metadata__")) {
                end = Math.max(end, e.getValue().getAsJsonObject().getAsJsonArray("data_offsets").get(1).getAsLong());
            }
        }
        assertEquals(bytes.length, 8 + n + end, "the data fills the file");
    }

    /** A safetensors file written here by hand, as another tool would, loads. */
    @Test
    void handWrittenSafetensorsLoad() throws IOException {
        String json = "{\"weight\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"__metadata__\":{\"format\":\"pt\"}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length()).array());
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-4).array());
        Path file = Files.write(dir.resolve("other.safetensors"), out.toByteArray());
        Checkpoint c = Checkpoint.load(file);
        assertArrayEquals(new double[] {0.5, -4}, c.tensors().get("weight").toDoubleArray());
        assertEquals(DType.FLOAT64, c.tensors().get("weight").dtype());
        assertEquals("pt", c.metadata().get("format"));
    }

    /** An npz written here by hand in NumPy's published layout (version 1.0 headers, as np.savez writes them), loads. */
    @Test
    void handWrittenNpzLoads() throws IOException {
        Path file = dir.resolve("numpy.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("W2.npy"));
            String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
            header = header + " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            zip.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
            zip.write(header.getBytes(StandardCharsets.US_ASCII));
            zip.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4).array());
            zip.closeEntry();
        }
        Tensor w2 = Checkpoint.load(file).tensors().get("W2");
        assertEquals(dev.scratchnet.tensor.Shape.of(2, 2), w2.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, w2.toFloatArray());
    }

    @Test
    void ourNpyHeadersFollowTheLayout() throws IOException {
        Path file = dir.resolve("m.npz");
        sample().save(file);
        try (var zip = new java.util.zip.ZipFile(file.toFile())) {
            byte[] npy = zip.getInputStream(zip.getEntry("W1.npy")).readAllBytes();
            int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
            String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
            assertEquals(0, (10 + headerLength) % 64, "data aligned to 64 bytes, as NumPy writes it");
            assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
            assertTrue(header.endsWith("\n"));
            assertEquals(10 + headerLength + 24, npy.length);
        }
    }

    @Test
    void badFilesNameTheFileAndTheProblem() throws IOException {
        Path truncated = dir.resolve("t.safetensors");
        sample().save(truncated);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.load(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()) && e.getMessage().contains("data_offsets"), e.getMessage());

        Path huge = Files.write(dir.resolve("h.safetensors"), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        e = assertThrows(FileFormatException.class, () -> Checkpoint.load(huge));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());

        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path duplicate = Files.write(dir.resolve("d.safetensors"), withHeader(json, 4));
        e = assertThrows(FileFormatException.class, () -> Checkpoint.load(duplicate));
        assertTrue(e.getMessage().contains("names 'w' twice"), e.getMessage());
        String badType = json.replace("\"F32\"", "\"F33\"").replaceFirst("\"w\"", "\"v\"");
        Path badDtype = Files.write(dir.resolve("b.safetensors"), withHeader(badType, 4));
        e = assertThrows(FileFormatException.class, () -> Checkpoint.load(badDtype));
        assertTrue(e.getMessage().contains("dtype 'F33'"), e.getMessage());

        Path notZip = Files.writeString(dir.resolve("x.npz"), "not a zip");
        e = assertThrows(FileFormatException.class, () -> Checkpoint.load(notZip));
        assertTrue(e.getMessage().contains("x.npz"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sample().save(dir.resolve("model.bin")));
    }

    private static byte[] withHeader(String json, int dataBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length()).array());
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write(new byte[dataBytes]);
        return out.toByteArray();
    }

    @Test
    void aFailedSaveLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        sample().save(file);
        byte[] before = Files.readAllBytes(file);
        assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[] {1, 2, 3});
            throw new IOException("disk full");
        }));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void sizesAndNestingBeyondWhatCanBeReadAreNamed() throws Exception {
        // A sparse file of 2 GB of data: a float32 tensor of 2^29 values is 2^31 bytes, one more than an array holds.
        String json = "{\"big\":{\"dtype\":\"F32\",\"shape\":[536870912],\"data_offsets\":[0,2147483648]}}";
        Path big = dir.resolve("big.safetensors");
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            file.write(header);
            file.setLength(8 + header.length + (1L << 31));
        }
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.load(big));
        assertTrue(e.getMessage().startsWith(big.toString()) && e.getMessage().contains("'big'") && e.getMessage().contains("2 GB"), e.getMessage());

        Path deep = Files.write(dir.resolve("deep.safetensors"), withHeader("{\"__metadata__\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0));
        e = assertThrows(FileFormatException.class, () -> Checkpoint.load(deep));
        assertTrue(e.getMessage().contains("nesting deeper than 32"), e.getMessage());
    }
}
