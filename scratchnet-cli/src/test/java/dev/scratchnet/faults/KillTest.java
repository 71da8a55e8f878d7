package dev.scratchnet.faults;

import com.sun.net.httpserver.HttpServer;
import dev.scratchnet.cli.Main;
import dev.scratchnet.data.FileSpec;
import dev.scratchnet.data.Fetcher;
import dev.scratchnet.data.IdxFiles;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Processes killed with SIGKILL in the middle of a download, a checkpoint save and a training run lose nothing. */
class KillTest {
    @TempDir
    Path dir;

    /** A server that sends {@code body} slowly, counting the bytes it sent. */
    private static HttpServer slowServer(byte[] gzipped, AtomicLong sent) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, gzipped.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < gzipped.length; i += 4096) {
                    out.write(gzipped, i, Math.min(4096, gzipped.length - i));
                    out.flush();
                    sent.addAndGet(Math.min(4096, gzipped.length - i));
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException ignored) {
                // the client went away
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return server;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aDownloadKilledHalfwayLeavesNothingTrusted() throws Exception {
        byte[] content = randomBytes(400_000);
        AtomicLong sent = new AtomicLong();
        HttpServer server = slowServer(IdxFiles.gzip(content), sent);
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Path cache = dir.resolve("cache");
            Process child = ChildJvm.start(dir.resolve("fetch.log"), FetchChild.class, base, cache.toString(), "f", sha256(content));
            waitFor(() -> sent.get() > 100_000, "the child to be halfway through the download");
            child.destroyForcibly().waitFor();
            assertFalse(Files.exists(cache.resolve("f")), "no file under the final name");
            Fetcher fetcher = new Fetcher(cache, List.of(base), null, Duration.ofSeconds(30), new PrintStream(OutputStream.nullOutputStream()));
            fetcher.fetch(List.of(new FileSpec("f", sha256(content))));
            assertArrayEquals(content, Files.readAllBytes(cache.resolve("f")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void twoProcessesFetchingAtOnceBothEndWithGoodFiles() throws Exception {
        byte[] content = randomBytes(200_000);
        HttpServer server = slowServer(IdxFiles.gzip(content), new AtomicLong());
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Path cache = dir.resolve("cache");
            Process child = ChildJvm.start(dir.resolve("fetch.log"), FetchChild.class, base, cache.toString(), "f", sha256(content));
            Fetcher fetcher = new Fetcher(cache, List.of(base), null, Duration.ofSeconds(30), new PrintStream(OutputStream.nullOutputStream()));
            CompletableFuture<Path> here = CompletableFuture.supplyAsync(() -> {
                try {
                    return fetcher.fetch(List.of(new FileSpec("f", sha256(content))));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(0, child.waitFor(), Files.readString(dir.resolve("fetch.log")));
            here.get();
            assertArrayEquals(content, Files.readAllBytes(cache.resolve("f")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSaveKilledMidwayLeavesTheLastCompleteCheckpoint() throws Exception {
        Path file = dir.resolve("ckpt.safetensors");
        Process child = ChildJvm.start(dir.resolve("save.log"), SaveChild.class, file.toString());
        waitFor(() -> Files.exists(file), "the first checkpoint");
        Thread.sleep(150);
        child.destroyForcibly().waitFor();
        Checkpoint c = Checkpoint.load(file);
        Tensor w = c.tensors().get("W");
        float round = Float.parseFloat(c.metadata().get("round"));
        assertEquals(2_000_000, w.size());
        assertEquals(round, w.getDouble(0));
        assertEquals(round, w.getDouble(1_999_999), "the file is whole, not a mix of two rounds");
    }

    @Test
    void aTrainingRunKilledMidEpochResumesFromItsLastCompleteEpoch() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("data"), 20_000, 200, 10);
        String[] common = {"--data", data.toString(), "--hidden", "32", "--batch-size", "16", "--epochs", "12", "--quiet", "--threads", "1"};
        Path killed = dir.resolve("killed.safetensors");
        Process child = ChildJvm.start(dir.resolve("train.log"), Main.class, concat(new String[] {"train", "--save", killed.toString(),
            "--save-every-epoch", "--out", dir.resolve("a").toString()}, common));
        waitFor(() -> epochOf(killed) >= 2, "two epochs of the child");
        child.destroyForcibly().waitFor();
        int reached = epochOf(killed);
        assertTrue(reached >= 2 && reached < 12, "killed in the middle of the run, after epoch " + reached);

        Path resumed = dir.resolve("resumed.safetensors"), whole = dir.resolve("whole.safetensors");
        assertEquals(0, run(concat(new String[] {"train", "--resume", killed.toString(), "--save", resumed.toString(), "--out", dir.resolve("b").toString()}, common)));
        assertEquals(0, run(concat(new String[] {"train", "--save", whole.toString(), "--out", dir.resolve("c").toString()}, common)));
        Checkpoint a = Checkpoint.load(resumed), b = Checkpoint.load(whole);
        for (String name : b.tensors().keySet()) {
            assertArrayEquals(b.tensors().get(name).toFloatArray(), a.tensors().get(name).toFloatArray(), name);
        }
    }

    private static int epochOf(Path checkpoint) {
        try {
            return Integer.parseInt(Checkpoint.load(checkpoint).metadata().get("epoch"));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int run(String... args) {
        return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
