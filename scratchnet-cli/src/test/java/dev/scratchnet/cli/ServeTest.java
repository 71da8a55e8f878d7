package dev.scratchnet.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The prediction API and the page's assets, and every kind of bad request, each a JSON error with its 4xx status. */
class ServeTest {
    @TempDir
    static Path dir;
    static PredictionServer server;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("m.safetensors");
        new Model.Spec(Models.Kind.chapter, 784, 16, 10, 0).build(3).save(model);
        server = new PredictionServer(Classifier.load(model), Map.of("model", "test"), "127.0.0.1", 0, 1000);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> post(String type, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/predict")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    /** A refusal: the status, a JSON error holding {@code words}, no stack trace; and the server still answers. */
    private static void refused(HttpResponse<String> response, int status, String words) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        String error = json(response).get("error").getAsString();
        assertTrue(error.contains(words), error);
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
        assertEquals(200, client.send(HttpRequest.newBuilder(uri("/api/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theLoadDriversConnectionsCountPredictionsAndNothingElse() throws Exception {
        byte[] digit = ServeLoad.request(server.port(), "image/png", ServeLoad.drawnDigit());
        byte[] notAPicture = ServeLoad.request(server.port(), "image/png", "hello".getBytes(StandardCharsets.US_ASCII));
        try (ServeLoad.Connection connection = new ServeLoad.Connection(server.port())) {
            assertTrue(connection.exchange(digit));
            assertFalse(connection.exchange(notAPicture), "a 400 is no prediction");
            assertTrue(connection.exchange(digit), "the same connection goes on");
        }
    }

    @Test
    void healthModelAndPage() throws Exception {
        assertEquals("ready", json(client.send(HttpRequest.newBuilder(uri("/api/health")).build(), HttpResponse.BodyHandlers.ofString()))
                .get("status").getAsString());
        assertEquals("test", json(client.send(HttpRequest.newBuilder(uri("/api/model")).build(), HttpResponse.BodyHandlers.ofString()))
                .get("model").getAsString());
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<canvas id=\"pad\"") && page.body().contains("/app.js"), page.body());
        assertFalse(page.body().matches("(?s).*(src|href)=\"https?://.*"), "every asset is served by the tool");
        assertEquals(200, client.send(HttpRequest.newBuilder(uri("/app.js")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aPictureAndItsPixelsGiveTheSameAnswer() throws Exception {
        HttpResponse<String> picture = post("image/png", Files.readAllBytes(Path.of("../docs/digit-7.png")));
        assertEquals(200, picture.statusCode(), picture.body());
        JsonObject answer = json(picture);
        assertEquals(10, answer.getAsJsonArray("probabilities").size());
        double total = 0;
        for (var p : answer.getAsJsonArray("probabilities")) {
            total += p.getAsDouble();
        }
        assertEquals(1, total, 1e-5);
        var input = answer.getAsJsonArray("input");
        assertEquals(784, input.size());
        StringBuilder flat = new StringBuilder("{\"pixels\": ["), rows = new StringBuilder("{\"pixels\": [");
        for (int i = 0; i < 784; i++) {
            String v = Long.toString(Math.round(input.get(i).getAsDouble() * 255));
            flat.append(i == 0 ? "" : ",").append(v);
            rows.append(i % 28 == 0 ? (i == 0 ? "[" : "],[") : ",").append(v);
        }
        JsonObject fromFlat = json(post("application/json", (flat + "]}").getBytes(StandardCharsets.UTF_8)));
        JsonObject fromRows = json(post("application/json; charset=utf-8", (rows + "]]}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(answer.get("digit"), fromFlat.get("digit"));
        assertEquals(fromFlat.get("probabilities"), fromRows.get("probabilities"), "784 numbers or 28 rows of 28 alike");
    }

    @Test
    void badRequestsGetJsonErrors() throws Exception {
        refused(post("text/plain", "hello".getBytes(StandardCharsets.UTF_8)), 415, "image/png, image/jpeg or application/json");
        refused(post(null, new byte[] {1}), 415, "no Content-Type");
        refused(post("image/png", new byte[0]), 400, "no body");
        refused(post("image/png", "not a picture".getBytes(StandardCharsets.UTF_8)), 400, "not an image");
        refused(post("application/json", "{\"pixels\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8)), 400, "784");
        refused(post("application/json", ("{\"pixels\": [" + "300,".repeat(783) + "300]}").getBytes(StandardCharsets.UTF_8)), 400, "outside 0 to 255");
        refused(post("application/json", "{\"pixels\": ".getBytes(StandardCharsets.UTF_8)), 400, "not JSON");
        refused(post("application/json", "[1, 2]".getBytes(StandardCharsets.UTF_8)), 400, "pixels");
        refused(post("image/png", new byte[PredictionServer.MAX_BODY + 1]), 413, "larger than");
        refused(client.send(HttpRequest.newBuilder(uri("/api/predict")).build(), HttpResponse.BodyHandlers.ofString()), 405, "GET");
        refused(client.send(HttpRequest.newBuilder(uri("/nowhere")).build(), HttpResponse.BodyHandlers.ofString()), 404, "");
    }

    /** Sends raw bytes on one connection and returns what the server answers (the whole response, headers included). */
    private static String raw(String request, byte[] body, int pauseMillis) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            Thread.sleep(pauseMillis);
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void pathsCannotLeaveTheAssetsAndSlowClientsAreDropped() throws Exception {
        for (String path : new String[] {"/../pom.xml", "/%2e%2e/pom.xml", "/web/..%2f..%2fpom.xml", "/..%5c..%5cpom.xml"}) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", new byte[0], 0);
            assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 404"), path + ": " + answer);
            assertTrue(answer.contains("{\"error\":"), path + ": " + answer);
            assertFalse(answer.contains("<project"), path + " must not reach the files: " + answer);
        }
        long start = System.nanoTime();
        String slow = raw("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n",
                new byte[10], 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 8, "the stalled request was dropped after the idle time-out, not held: " + seconds + " s");
        assertTrue(slow.isEmpty() || slow.startsWith("HTTP/1.1 408") || slow.startsWith("HTTP/1.1 400"), slow);
        assertEquals(200, client.send(HttpRequest.newBuilder(uri("/api/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void manyClientsAtOnceAllGetAnswers() throws Exception {
        byte[] picture = Files.readAllBytes(Path.of("../docs/digit-3.jpg"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                answers.add(pool.submit(() -> post("image/jpeg", picture).statusCode()));
            }
            for (Future<Integer> a : answers) {
                assertEquals(200, a.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
