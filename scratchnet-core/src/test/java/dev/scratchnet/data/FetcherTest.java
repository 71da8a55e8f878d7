package dev.scratchnet.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/** The fetcher against a local HTTP server: good, corrupt, cut-off and hanging responses. */
class FetcherTest {
    @TempDir
    Path cache;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/good/", exchange -> serve(exchange, files.get(name(exchange)), false));
        server.createContext("/cut/", exchange -> serve(exchange, files.get(name(exchange)), true));
        server.createContext("/hang/", exchange -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String name(com.sun.net.httpserver.HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void serve(com.sun.net.httpserver.HttpExchange exchange, byte[] body, boolean cut) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body, 0, cut ? body.length / 2 : body.length);
        } catch (IOException ignored) {
            // the client gave up
        }
        exchange.close();
    }

    private String url(String kind) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + kind + "/";
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private Fetcher fetcher(List<String> mirrors) {
        return new Fetcher(cache, mirrors, null, Duration.ofMillis(700), new PrintStream(log, true));
    }

    @Test
    void downloadsChecksAndCachesAGoodFile() throws Exception {
        byte[] content = IdxFiles.idx(new int[] {3}, new byte[] {1, 2, 3});
        files.put("a.gz", IdxFiles.gzip(content));
        FileSpec spec = new FileSpec("a", sha256(content));
        Path dir = fetcher(List.of(url("good"))).fetch(List.of(spec));
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("a")));
        files.clear();
        assertArrayEquals(content, Files.readAllBytes(fetcher(List.of(url("good"))).fetch(List.of(spec)).resolve("a")), "served from the cache");
        assertTrue(log.toString().contains("Downloading"), log.toString());
    }

    @Test
    void aChecksumMismatchLeavesNothingAndTriesTheNextSource() throws Exception {
        byte[] content = {9, 9, 9};
        files.put("a.gz", IdxFiles.gzip(new byte[] {6, 6, 6}));
        FileSpec spec = new FileSpec("a", sha256(content));
        IOException e = assertThrows(IOException.class, () -> fetcher(List.of(url("good"))).fetch(List.of(spec)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), "says how to place the files by hand: " + e.getMessage());
        try (var left = Files.list(cache)) {
            assertEquals(0, left.count(), "no file, temporary or final, stays behind");
        }
        files.put("b/a.gz", IdxFiles.gzip(content));
        server.createContext("/second/", exchange -> serve(exchange, files.get("b/" + name(exchange)), false));
        fetcher(List.of(url("good"), url("second"))).fetch(List.of(spec));
        assertArrayEquals(content, Files.readAllBytes(cache.resolve("a")));
    }

    @Test
    void cutOffAndHangingServersAreAbandoned() throws Exception {
        byte[] content = new byte[100_000];
        new java.util.Random(1).nextBytes(content);
        files.put("a.gz", IdxFiles.gzip(content));
        FileSpec spec = new FileSpec("a", sha256(content));
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> fetcher(List.of(url("hang"), url("cut"))).fetch(List.of(spec)));
        assertTrue((System.nanoTime() - start) / 1e9 < 4, "the hanging server was given up after its time-out");
        assertTrue(e.getMessage().contains(url("hang")) && e.getMessage().contains(url("cut")), e.getMessage());
        assertFalse(Files.exists(cache.resolve("a")));
        fetcher(List.of(url("hang"), url("good"))).fetch(List.of(spec));
        assertArrayEquals(content, Files.readAllBytes(cache.resolve("a")));
    }

    @Test
    void anUnreachableMirrorAndNoNpmIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> fetcher(List.of("http://127.0.0.1:1/")).fetch(List.of(new FileSpec("x", "00"))));
        assertTrue(e.getMessage().startsWith("could not obtain x; tried: http://127.0.0.1:1/x.gz"), e.getMessage());
    }

    @Test
    void archiveEntriesNeverChooseWhereFilesGo() throws Exception {
        byte[] good = {1, 2, 3};
        Path tarball = cache.resolve("../evil-package.tgz").normalize();
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(Files.newOutputStream(tarball)))) {
            out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
            add(out, "package/" + "long-name/".repeat(20) + "readme", new byte[700]);
            add(out, "package/data/../../escaped", new byte[] {6});
            var link = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("package/data/linked",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
            add(out, "package/data/a", good);
        }
        Fetcher fetcher = fetcher(List.of());
        Files.createDirectories(cache);
        fetcher.extract(tarball, "data", List.of(new FileSpec("a", sha256(good)), new FileSpec("linked", sha256(good)),
                new FileSpec("escaped", sha256(new byte[] {6}))));
        assertArrayEquals(good, Files.readAllBytes(cache.resolve("a")), "found after an entry with an extended (pax) header");
        assertFalse(Files.exists(cache.resolve("linked")), "links are passed over");
        assertFalse(Files.exists(cache.getParent().getParent().resolve("escaped")), "nothing lands outside the cache");
        assertFalse(Files.exists(cache.resolve("escaped")), "entries that climb out are passed over, even when the name is wanted");
        try (var left = Files.list(cache)) {
            assertEquals(1, left.count());
        }
        assertThrows(IllegalArgumentException.class, () -> new FileSpec("../x", "00"));
    }

    private static void add(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }
}
