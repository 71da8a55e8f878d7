package dev.scratchnet.cli;

import com.google.gson.Gson;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.op.Tensor;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The live page of {@code train --dashboard}: the training's events go to every open page as Server-Sent Events
 * ({@code /api/training}: {@code steps}, the running loss and accuracy every {@link #EVERY} steps, sent together at most
 * four times a second; an {@code epoch} with the test accuracy and the confusion matrix; {@code done} with the run
 * folder), and a page that opens late first gets every event so far. {@code /api/weights.png} draws the first layer's
 * weights as they are; {@code /run/} serves the run folder, with its report once the run is over. Sending an event
 * costs the training thread a JSON line per open page.
 */
final class Dashboard implements AutoCloseable {
    /** Steps between two points of the training curves. */
    static final int EVERY = 10;
    private static final long BATCH_NANOS = 250_000_000;

    private final Javalin app;
    private final List<SseClient> pages = new CopyOnWriteArrayList<>();
    private final List<String[]> history = new ArrayList<>();
    private final Gson gson = new Gson();
    private final List<Map<String, Object>> pending = new ArrayList<>();
    private long lastSent = System.nanoTime();

    Dashboard(String host, int port, Path runFolder, Supplier<Tensor> firstWeights, int side) {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.add(files -> {
                files.hostedPath = "/run";
                files.directory = runFolder.toAbsolutePath().toString();
                files.location = Location.EXTERNAL;
            });
        });
        app.get("/", ctx -> ctx.redirect("/dashboard.html"));
        app.sse("/api/training", page -> {
            page.keepAlive();
            page.onClose(() -> pages.remove(page));
            synchronized (history) {
                for (String[] event : history) {
                    page.sendEvent(event[0], event[1]);
                }
                pages.add(page);
            }
        });
        app.get("/api/weights.png", ctx -> {
            Tensor w1 = firstWeights.get();
            if (w1.rank() != 2 || w1.dim(0) != side * side) {
                ctx.status(404).result("the first layer's weights are not tiles of the image");
                return;
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(Charts.weightTiles(w1, side), "png", png);
            ctx.contentType("image/png").result(png.toByteArray());
        });
        app.start(host, port);
    }

    /** @return the port the page is served on */
    int port() {
        return app.port();
    }

    /** A point of the training curves; they go out together, at most every {@link #BATCH_NANOS}, since each event wakes the page. */
    void step(int epoch, int step, int steps, double loss, double accuracy) {
        pending.add(Map.of("epoch", epoch, "step", step, "steps", steps, "loss", loss, "accuracy", accuracy));
        if (System.nanoTime() - lastSent >= BATCH_NANOS) {
            sendSteps();
        }
    }

    private void sendSteps() {
        if (!pending.isEmpty()) {
            send("steps", List.copyOf(pending));
            pending.clear();
        }
        lastSent = System.nanoTime();
    }

    void epoch(Trainer.Epoch e, long[][] confusion) {
        sendSteps();
        send("epoch", Map.of("epoch", e.number(), "testAccuracy", e.testAccuracy(), "testLoss", e.testLoss(), "trainLoss", e.trainLoss(),
                "seconds", e.seconds(), "confusion", confusion));
    }

    /** The run is over: its folder, its report, and where to draw digits for the model just trained (null when nowhere). */
    void done(String runFolder, String drawPage) {
        Map<String, Object> event = new HashMap<>(Map.of("runFolder", runFolder, "report", "/run/report.html"));
        if (drawPage != null) {
            event.put("draw", drawPage);
        }
        sendSteps();
        send("done", event);
    }

    private void send(String name, Object data) {
        String json = gson.toJson(data);
        synchronized (history) {
            history.add(new String[] {name, json});
            for (SseClient page : pages) {
                page.sendEvent(name, json);
            }
        }
    }

    @Override
    public void close() {
        for (SseClient page : pages) {
            page.close();
        }
        app.stop();
    }
}
