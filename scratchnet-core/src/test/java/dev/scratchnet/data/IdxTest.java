package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.scratchnet.data.IdxFiles.gzip;
import static dev.scratchnet.data.IdxFiles.idx;
import static org.junit.jupiter.api.Assertions.*;

class IdxTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsRawAndGzipFiles() throws IOException {
        byte[] values = {0, 1, (byte) 200, (byte) 255, 7, 8};
        for (Path file : new Path[] {write("raw", idx(new int[] {2, 3}, values)), write("packed.gz", gzip(idx(new int[] {2, 3}, values)))}) {
            Tensor t = Idx.read(file);
            assertEquals(DType.UINT8, t.dtype());
            assertEquals(Shape.of(2, 3), t.shape());
            assertArrayEquals(new long[] {0, 1, 200, 255, 7, 8}, t.toLongArray());
        }
    }

    @Test
    void refusesAWrongMagic() throws IOException {
        byte[] bytes = idx(new int[] {1}, new byte[] {1});
        bytes[0] = 0x50;
        FileFormatException e = assertThrows(FileFormatException.class, () -> Idx.read(write("bad", bytes)));
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("magic"), e.getMessage());
        assertEquals(0, e.offset());
        byte[] floats = idx(new int[] {1}, new byte[] {1});
        floats[2] = 0x0D;
        e = assertThrows(FileFormatException.class, () -> Idx.read(write("floats", floats)));
        assertTrue(e.getMessage().contains("element type 0x0d"), e.getMessage());
    }

    @Test
    void refusesTruncatedAndOversizedFiles() throws IOException {
        byte[] full = idx(new int[] {3, 2}, new byte[6]);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Idx.read(write("short", Arrays.copyOf(full, full.length - 1))));
        assertTrue(e.getMessage().contains("declare 6 bytes of data but the file holds 5"), e.getMessage());
        e = assertThrows(FileFormatException.class, () -> Idx.read(write("long", Arrays.copyOf(full, full.length + 3))));
        assertTrue(e.getMessage().contains("the file holds 9"), e.getMessage());
        e = assertThrows(FileFormatException.class, () -> Idx.read(write("short.gz", gzip(Arrays.copyOf(full, full.length - 2)))));
        assertTrue(e.getMessage().contains("file ends after 4 of the 6 data bytes"), e.getMessage());
        e = assertThrows(FileFormatException.class, () -> Idx.read(write("header", Arrays.copyOf(full, 6))));
        assertTrue(e.getMessage().contains("ends inside the IDX header"), e.getMessage());
    }

    @Test
    void refusesHugeDeclaredSizesWithoutAllocating() throws IOException {
        byte[] bytes = idx(new int[] {100000, 100000, 100000}, new byte[0]);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Idx.read(write("huge.gz", gzip(bytes))));
        assertTrue(e.getMessage().contains("more than 2^31"), e.getMessage());
        byte[] negative = idx(new int[] {-5}, new byte[0]);
        e = assertThrows(FileFormatException.class, () -> Idx.read(write("negative", negative)));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        assertEquals(4, e.offset());
    }

    @Test
    void datasetsCheckImagesAgainstLabels() throws IOException {
        Path data = IdxFiles.writeDataset(dir.resolve("ok"), 20, 5, 3);
        IdxDataset ds = IdxDataset.load(data);
        assertEquals(Shape.of(20, 4, 4), ds.xTrain().shape());
        assertEquals(Shape.of(5), ds.yTest().shape());
        Files.write(data.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(new int[] {4}, new byte[4])));
        FileFormatException e = assertThrows(FileFormatException.class, () -> IdxDataset.load(data));
        assertTrue(e.getMessage().contains("4 labels for the 5 images"), e.getMessage());
        Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
        java.nio.file.NoSuchFileException missing = assertThrows(java.nio.file.NoSuchFileException.class, () -> IdxDataset.load(data));
        assertTrue(missing.getFile().endsWith("t10k-labels-idx1-ubyte"), missing.getFile());
    }
}
