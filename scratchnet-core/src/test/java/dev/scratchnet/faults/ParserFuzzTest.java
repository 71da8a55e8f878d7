package dev.scratchnet.faults;

import dev.scratchnet.data.DigitImages;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.data.Idx;
import dev.scratchnet.data.IdxFiles;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of mutated and random inputs for every parser: each either reads or throws the project's
 * {@link FileFormatException}, never another exception, a hang or an out-of-memory error.
 */
class ParserFuzzTest {
    /** A change to a valid file: flip bytes, cut it short, or splice in random bytes. */
    record Mutation(int kind, int position, byte[] noise) {
        byte[] apply(byte[] valid) {
            byte[] b = valid.clone();
            int at = Math.floorMod(position, Math.max(b.length, 1));
            switch (kind) {
                case 0 -> {
                    for (int i = 0; i < noise.length && at + i < b.length; i++) {
                        b[at + i] ^= noise[i];
                    }
                    return b;
                }
                case 1 -> {
                    return Arrays.copyOf(b, at);
                }
                case 2 -> {
                    byte[] out = new byte[b.length + noise.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(noise, 0, out, at, noise.length);
                    System.arraycopy(b, at, out, at + noise.length, b.length - at);
                    return out;
                }
                default -> {
                    return noise;
                }
            }
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24)).as(Mutation::new);
    }

    private static final byte[] IDX = IdxFiles.idx(new int[] {3, 4, 4}, new byte[48]);
    private static final byte[] IDX_GZIP = IdxFiles.gzip(IDX);
    private static final byte[] SAFETENSORS;
    private static final byte[] NPZ;
    private static final byte[] PNG;

    static {
        try {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("W1", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            t.put("ids", Tensor.of(new long[] {7, 8}));
            Checkpoint c = new Checkpoint(t, Map.of("epoch", "1"));
            Path dir = Files.createTempDirectory("fuzz");
            c.save(dir.resolve("a.safetensors"));
            c.save(dir.resolve("a.npz"));
            SAFETENSORS = Files.readAllBytes(dir.resolve("a.safetensors"));
            NPZ = Files.readAllBytes(dir.resolve("a.npz"));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(12, 9, BufferedImage.TYPE_INT_RGB), "png", png);
            PNG = png.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    interface Parser {
        void parse(Path file) throws IOException;
    }

    private static void expectOnlyFormatErrors(byte[] content, String suffix, Parser parser) throws IOException {
        Path file = Files.createTempFile("fuzz", suffix);
        try {
            Files.write(file, content);
            parser.parse(file);
        } catch (FileFormatException expected) {
            // the one documented failure
        } catch (Throwable t) {
            fail("a " + t.getClass().getName() + " escaped the parser: " + t.getMessage(), t);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Property(tries = 1500)
    void idx(@ForAll("mutations") Mutation m) throws IOException {
        expectOnlyFormatErrors(m.apply(IDX), ".idx", Idx::read);
        expectOnlyFormatErrors(m.apply(IDX_GZIP), ".idx.gz", Idx::read);
        try {
            byte[] bytes = m.apply(IDX);
            Idx.read(new ByteArrayInputStream(bytes), -1, "stream");
        } catch (FileFormatException expected) {
            // fine
        }
    }

    @Property(tries = 1500)
    void safetensors(@ForAll("mutations") Mutation m) throws IOException {
        expectOnlyFormatErrors(m.apply(SAFETENSORS), ".safetensors", Checkpoint::load);
    }

    @Property(tries = 1500)
    void npz(@ForAll("mutations") Mutation m) throws IOException {
        expectOnlyFormatErrors(m.apply(NPZ), ".npz", Checkpoint::load);
    }

    @Property(tries = 700)
    void images(@ForAll("mutations") Mutation m) throws IOException {
        expectOnlyFormatErrors(m.apply(PNG), ".png", DigitImages::read);
    }

    // ---------------------------------------------------------------- declared sizes, numbers and nesting

    /** Numbers that break careless readers: zero, signs, the edges of int and long, and their neighbours. */
    @Provide
    Arbitrary<Long> edgeNumbers() {
        return Arbitraries.oneOf(Arbitraries.of(0L, 1L, -1L, 2L, 255L, 256L, 65535L, (long) Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1,
                (long) Integer.MIN_VALUE, 1L << 32, (1L << 31) / 4, (1L << 31) / 4 + 1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE),
                Arbitraries.longs().between(-1000, 1 << 20));
    }

    @Property(tries = 400)
    void idxHeadersDeclaringAnySizes(@ForAll("edgeNumbers") long a, @ForAll("edgeNumbers") long b, @ForAll("edgeNumbers") long c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 8, 3});
        for (long d : new long[] {a, b, c}) {
            out.write(java.nio.ByteBuffer.allocate(4).putInt((int) d).array());
        }
        out.write(new byte[64]);
        expectOnlyFormatErrors(out.toByteArray(), ".idx", Idx::read);
        expectOnlyFormatErrors(IdxFiles.gzip(out.toByteArray()), ".idx.gz", Idx::read);
    }

    @Property(tries = 400)
    void safetensorsHeadersDeclaringAnyShapesAndOffsets(@ForAll("edgeNumbers") long d0, @ForAll("edgeNumbers") long d1,
                                                          @ForAll("edgeNumbers") long begin, @ForAll("edgeNumbers") long end) throws IOException {
        String json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[" + d0 + "," + d1 + "],\"data_offsets\":[" + begin + "," + end + "]}}";
        expectOnlyFormatErrors(safetensors(json, 64), ".safetensors", Checkpoint::load);
    }

    @Property(tries = 200)
    void npyHeadersDeclaringAnyShapes(@ForAll("edgeNumbers") long d0, @ForAll("edgeNumbers") long d1) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("t.npy"));
            String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + d0 + ", " + d1 + "), }";
            header = header + "    \n";
            z.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            z.write(java.nio.ByteBuffer.allocate(2).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
            z.write(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            z.write(new byte[64]);
            z.closeEntry();
        }
        expectOnlyFormatErrors(zip.toByteArray(), ".npz", Checkpoint::load);
    }

    @Property(tries = 60)
    void jsonNestedToAnyDepth(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 200_000) int depth, @ForAll boolean objects) throws IOException {
        String open = objects ? "{\"a\":" : "[", close = objects ? "}" : "]";
        String json = "{\"__metadata__\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}";
        expectOnlyFormatErrors(safetensors(json, 0), ".safetensors", Checkpoint::load);
    }

    /** A safetensors file of {@code json} as its header and {@code data} zero bytes after it. */
    private static byte[] safetensors(String json, int data) {
        byte[] header = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(8 + header.length + data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).array();
    }
}
