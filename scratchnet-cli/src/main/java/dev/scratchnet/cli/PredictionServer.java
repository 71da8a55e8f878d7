package dev.scratchnet.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.scratchnet.data.DigitImages;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The web page and the prediction API of {@code scratchnet serve}, on Javalin (Jetty): {@code GET /} the page and its
 * assets, {@code POST /api/predict} a picture (PNG or JPEG bytes) or JSON pixels to the digit and the ten probabilities,
 * {@code GET /api/model} what the model is, {@code GET /api/health} once the server is ready. Every refusal is a JSON
 * {@code {"error": ...}} with a 4xx status; the server goes on serving everyone else. Bodies are read up to
 * {@link #MAX_BODY} bytes and no further, and a client that stalls longer than the idle time-out is dropped.
 */
final class PredictionServer implements AutoCloseable {
    /** The largest request body read: 2 MB. */
    static final int MAX_BODY = 2 << 20;
    private static final int SIDE = 28;

    /** A refusal of a request: its status and the one line the client gets. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Classifier model;
    /**
     * Lets twice as many requests decode and predict at a time as there are cores, in the order they came; the others
     * wait their turn instead of sharing the cores with dozens of requests. Under {@code bench --serve}'s 64 clients the
     * 99th percentile of the latency fell from 136-152 ms to 39-44 ms, with as many requests a second.
     */
    private final Semaphore working = new Semaphore(2 * Runtime.getRuntime().availableProcessors(), true);
    private final Javalin app;
    private final ServerConnector connector;

    /** How long a connection may stall before it is dropped, outside the tests. */
    static final long IDLE_MILLIS = 30_000;

    /** Whether the page and the API can serve {@code model}: they prepare 28x28 pictures. */
    static boolean serves(Classifier model) {
        return model.inputs() == SIDE * SIDE;
    }

    /**
     * Starts serving {@code model} on {@code host}:{@code port} (0 for any free port).
     *
     * @param idleMillis how long a connection may stall, in the middle of a body or between requests
     */
    PredictionServer(Classifier model, Map<String, Object> description, String host, int port, long idleMillis) {
        if (!serves(model)) {
            throw new IllegalArgumentException("serve needs a model of 28x28 images (784 inputs); this one takes " + model.inputs());
        }
        this.model = model;
        ServerConnector[] made = new ServerConnector[1];
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY;
            config.http.prefer405over404 = true;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors()));
            config.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                c.setHost(host);
                c.setPort(port);
                c.setIdleTimeout(idleMillis);
                made[0] = c;
                return c;
            });
        });
        app.get("/api/health", ctx -> json(ctx, 200, Map.of("status", "ready")));
        app.get("/api/model", ctx -> json(ctx, 200, description));
        app.post("/api/predict", this::predict);
        app.exception(Refusal.class, (e, ctx) -> json(ctx, e.status, Map.of("error", e.getMessage())));
        app.exception(HttpResponseException.class, (e, ctx) -> json(ctx, e.getStatus(), Map.of("error", e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> json(ctx, 500, Map.of("error", "the server failed: " + Main.describe(e))));
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                json(ctx, 404, Map.of("error", "no such page: " + ctx.path()));
            }
        });
        app.error(405, ctx -> json(ctx, 405, Map.of("error", ctx.method() + " is not served at " + ctx.path())));
        app.start();
        connector = made[0];
    }

    /** @return the port the server listens on */
    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void predict(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].trim().toLowerCase();
        if (!type.equals("image/png") && !type.equals("image/jpeg") && !type.equals("application/json")) {
            throw new Refusal(415, "send image/png, image/jpeg or application/json, not '" + (type.isEmpty() ? "no Content-Type" : type) + "'");
        }
        byte[] body = body(ctx);
        if (body.length == 0) {
            throw new Refusal(400, "the request has no body");
        }
        try {
            working.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(503, "the server is stopping");
        }
        try {
            answer(ctx, type, body);
        } finally {
            working.release();
        }
    }

    /** Reads the body as a picture or as JSON pixels, and answers with the prediction. */
    private void answer(Context ctx, String type, byte[] body) {
        Tensor input;
        if (type.equals("application/json")) {
            input = pixels(body);
        } else {
            try {
                input = DigitImages.decode(body, "the picture");
            } catch (FileFormatException e) {
                throw new Refusal(400, e.getMessage());
            }
        }
        float[] probabilities = Ops.softmax(model.logits().apply(input.reshape(1, SIDE * SIDE), false)).toFloatArray();
        int digit = 0;
        for (int c = 1; c < probabilities.length; c++) {
            digit = probabilities[c] > probabilities[digit] ? c : digit;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("digit", digit);
        answer.put("probabilities", probabilities);
        answer.put("input", input.toFloatArray());
        json(ctx, 200, answer);
    }

    /** The body, read up to {@link #MAX_BODY} bytes whatever the request declares, or a 413 / 408 refusal. */
    private static byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY) {
            throw new Refusal(413, "the body of " + declared + " bytes is larger than the " + MAX_BODY + " served");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new Refusal(413, "the body is larger than the " + MAX_BODY + " bytes served");
            }
            return bytes;
        } catch (IOException e) {
            throw new Refusal(408, "the body did not arrive in time (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code {"pixels": [...]}}: 784 numbers, or 28 rows of 28, each from 0 to 255, as the network's input (divided by 255). */
    private static Tensor pixels(byte[] body) {
        JsonElement root;
        try {
            root = JsonParser.parseString(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Refusal(400, "the body is not JSON");
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("pixels") || !root.getAsJsonObject().get("pixels").isJsonArray()) {
            throw new Refusal(400, "send {\"pixels\": [784 numbers from 0 to 255]} or 28 rows of 28");
        }
        JsonArray rows = root.getAsJsonObject().getAsJsonArray("pixels");
        float[] values = new float[SIDE * SIDE];
        boolean nested = rows.size() == SIDE && rows.get(0).isJsonArray();
        if (!nested && rows.size() != SIDE * SIDE) {
            throw new Refusal(400, "pixels holds " + rows.size() + " entries; send 784 numbers, or 28 rows of 28");
        }
        for (int i = 0; i < SIDE * SIDE; i++) {
            JsonElement e;
            if (nested) {
                JsonElement row = rows.get(i / SIDE);
                if (!row.isJsonArray() || row.getAsJsonArray().size() != SIDE) {
                    throw new Refusal(400, "row " + i / SIDE + " of pixels is not 28 numbers");
                }
                e = row.getAsJsonArray().get(i % SIDE);
            } else {
                e = rows.get(i);
            }
            double v;
            try {
                v = e.getAsDouble();
            } catch (RuntimeException ex) {
                throw new Refusal(400, "pixel " + i + " is not a number");
            }
            if (!(v >= 0 && v <= 255)) {
                throw new Refusal(400, "pixel " + i + " is " + v + ", outside 0 to 255");
            }
            values[i] = (float) (v / 255);
        }
        return Tensor.of(values);
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(GSON.toJson(body));
    }

    /**
     * What Jetty answers itself, before any handler (a path that climbs out with {@code ..}, encoded or not, a
     * malformed request line): the same JSON errors as the API's.
     */
    private static final class JsonErrors extends ErrorHandler {
        JsonErrors() {
            setShowStacks(false);
            setShowServlet(false);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(GSON.toJson(Map.of("error", "a bad request" + (reason == null ? "" : ": " + reason)))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
