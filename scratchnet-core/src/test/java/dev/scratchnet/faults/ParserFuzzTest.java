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
}
