package dev.scratchnet.cli;

import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The load driver of {@code bench --serve}: the prediction API of the chapter's model on this machine, and
 * {@code clients} clients each sending a 280x280 PNG of a drawn digit (what the page sends), one request after another,
 * for {@code seconds}; then requests per second, the median and the 99th percentile of the latency, and the errors.
 */
final class ServeLoad {
    private ServeLoad() {
    }

    /** Warm-up rounds end with one in which the JIT compilers worked less than this share of its time. */
    private static final double QUIET_COMPILING = 0.05;
    /** Warm-up ends after rounds of this many seconds in all, for a JIT that does not rest. */
    private static final double MAX_WARM_UP_SECONDS = 10;

    /** The errors and every request's latency in nanoseconds. */
    private record Measured(long errors, long[] latencies) {
    }

    static void run(PrintWriter out, int clients, int seconds) throws Exception {
        Path file = Files.createTempFile("scratchnet-serve-bench", ".safetensors");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            new Model.Spec(Models.Kind.chapter, 784, 128, 10, 0).build(1).save(file);
            try (PredictionServer server = new PredictionServer(Classifier.load(file), Map.of("model", "chapter"), "127.0.0.1", 0,
                    PredictionServer.IDLE_MILLIS)) {
                byte[] png = drawnDigit();
                byte[] request = request(server.port(), "image/png", png);
                // The same load in rounds of a second until the compilers rest: until then the kernels of one-row
                // products run in C1, where the Vector API is not compiled to vector instructions.
                int rounds = JvmActivity.warmUp(() -> {
                    long start = System.nanoTime();
                    load(pool, server.port(), request, clients, 1);
                    return (System.nanoTime() - start) / 1e9;
                }, QUIET_COMPILING, MAX_WARM_UP_SECONDS);
                Measured measured = load(pool, server.port(), request, clients, seconds);
                long[] sorted = measured.latencies();
                Arrays.sort(sorted);
                out.printf("serve: %d clients for %d s (after %d s of the same load to warm up), each a %d-byte PNG of a drawn digit at a time, "
                        + "to the chapter's model%n", clients, seconds, rounds, png.length);
                out.printf("%d requests, %.0f a second, latency p50 %.1f ms, p99 %.1f ms, %d errors%n", sorted.length, sorted.length / (double) seconds,
                        sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, measured.errors());
            }
        } finally {
            pool.shutdownNow();
            Files.deleteIfExists(file);
        }
    }

    /** {@code clients} clients, each on its own connection, sending {@code request} one after another for {@code seconds}. */
    private static Measured load(ExecutorService pool, int port, byte[] request, int clients, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Measured>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                long errors = 0;
                Connection connection = null;
                try {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            connection = connection == null ? new Connection(port) : connection;
                            errors += connection.exchange(request) ? 0 : 1;
                        } catch (IOException e) {
                            errors++;
                            if (connection != null) {
                                connection.close();
                                connection = null;
                            }
                        }
                        latencies.add(System.nanoTime() - start);
                    }
                } finally {
                    if (connection != null) {
                        connection.close();
                    }
                }
                return new Measured(errors, latencies.stream().mapToLong(Long::longValue).toArray());
            }));
        }
        long errors = 0;
        List<long[]> each = new ArrayList<>();
        for (Future<Measured> result : results) {
            Measured one = result.get();
            errors += one.errors();
            each.add(one.latencies());
        }
        return new Measured(errors, each.stream().flatMapToLong(Arrays::stream).toArray());
    }

    /** An HTTP/1.1 request posting {@code body} to the prediction API, its head and body in one array. */
    static byte[] request(int port, String type, byte[] body) {
        byte[] head = ("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /**
     * One client: a kept-alive HTTP/1.1 connection that sends a request and reads the whole answer, as the clients of
     * load tools such as wrk do. The clients share the 2 cores with the server; {@code java.net.http}'s client, used
     * before, took about an eighth of their time under this load (JFR's CPU load per thread).
     */
    static final class Connection implements AutoCloseable {
        private static final byte[] ANSWER = "{\"digit\":".getBytes(StandardCharsets.US_ASCII);
        private final Socket socket;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
        }

        /** Whether the answer to {@code request} is a 200 with a prediction in its body. */
        boolean exchange(byte[] request) throws IOException {
            socket.getOutputStream().write(request);
            String status = line();
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    try {
                        length = Integer.parseInt(header.substring(15).trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("an answer with a broken header: " + header);
                    }
                }
            }
            if (length < 0) {
                throw new IOException("an answer without a Content-Length");
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("the answer ended after " + body.length + " of " + length + " bytes");
            }
            return status.startsWith("HTTP/1.1 200 ") && Arrays.equals(body, 0, Math.min(ANSWER.length, length), ANSWER, 0, ANSWER.length);
        }

        /** A line of the answer's head, without its CRLF. */
        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the server closed the connection");
                }
                line.append((char) b);
            }
            return line.toString().strip();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a connection that failed: nothing left to do with it.
            }
        }
    }

    /** A "4" drawn as the page draws: black strokes 18 pixels wide on a white 280x280 pad. */
    static byte[] drawnDigit() throws IOException {
        BufferedImage image = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 280, 280);
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(18, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(90, 50, 70, 160);
        g.drawLine(70, 160, 200, 160);
        g.drawLine(170, 60, 170, 240);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
