package dev.scratchnet.cli;

import com.google.gson.JsonParser;
import dev.scratchnet.data.IdxFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code train --dashboard} in a real Chromium: the page opened while a run trains receives its steps and epochs (the
 * charts' points, the confusion matrix, the weights), and links the report when the run is over.
 */
@Tag("e2e")
class DashboardTest {
    @TempDir
    Path dir;

    @Test
    void thePageReceivesTheRunAsItTrains() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // 28x28 images, so that the first layer's weights are image tiles and the draw page can serve the model.
        Path data = IdxFiles.writeMnistSized(dir.resolve("data"), 3000, 300, 3);
        String[] args = {"train", "--data", data.toString(), "--epochs", "40", "--hidden", "32", "--batch-size", "16", "--quiet",
            "--out", dir.resolve("run").toString(), "--dashboard", "--dashboard-port", Integer.toString(port), "--dashboard-stay"};
        StringWriter out = new StringWriter(), err = new StringWriter();
        Thread run = new Thread(() -> Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true)));
        run.start();
        String url = "http://127.0.0.1:" + port;
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!out.toString().contains("Dashboard: ")) {
            assertTrue(System.nanoTime() < deadline && run.isAlive(), "the dashboard started: " + out + err);
            Thread.sleep(20);
        }
        assertEquals(url + "/dashboard.html", out.toString().lines().filter(l -> l.startsWith("Dashboard: ")).findFirst().orElseThrow()
                .substring("Dashboard: ".length()));
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(url + "/api/weights.png")).build(), HttpResponse.BodyHandlers.ofByteArray())
                .statusCode());

        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("chromium"), "--window-size=1300,1000");
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build(), options);
        try {
            browser.get(url + "/");
            assertEquals(url + "/dashboard.html", browser.getCurrentUrl(), "the root leads to the dashboard");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return window.dashboard.epochs")).intValue() >= 2);
            long steps = ((Number) browser.executeScript("return window.dashboard.steps")).longValue();
            assertTrue(steps >= 2 * 3000 / 16 / Dashboard.EVERY, steps + " step points for two epochs");
            assertEquals(4, browser.findElements(By.cssSelector("#confusion tr")).size(), "a header row and one row a class");
            wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const w = document.getElementById('weights'); return w.complete && w.naturalWidth > 0;"));
            Files.createDirectories(Path.of("target", "screenshots"));
            Files.write(Path.of("target", "screenshots", "dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
            wait.until(d -> !d.findElements(By.cssSelector("#done a")).isEmpty());
            assertEquals(url + "/run/report.html", browser.findElement(By.cssSelector("#done a")).getAttribute("href"));

            String draw = browser.findElement(By.id("draw")).getAttribute("href");
            assertTrue(out.toString().contains("draw digits for the model just trained on " + draw), out.toString());
            String accuracy = out.toString().lines().filter(l -> l.startsWith("Epoch 40, Test Accuracy: ")).findFirst().orElseThrow()
                    .substring("Epoch 40, Test Accuracy: ".length(), "Epoch 40, Test Accuracy: ".length() + 6);
            browser.get(draw);
            wait.until(d -> d.findElement(By.id("model")).getText().contains(accuracy));
            assertTrue(browser.findElement(By.id("model")).getText().contains("test accuracy"), "the model panel names the figure");
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(draw + "api/predict")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"pixels\": " + Arrays.toString(new int[28 * 28]) + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(3, JsonParser.parseString(answer.body()).getAsJsonObject().getAsJsonArray("probabilities").size(), answer.body());
        } finally {
            browser.quit();
            run.interrupt();
            run.join(10_000);
        }
        assertFalse(run.isAlive(), "Ctrl-C's interruption ends the run");
    }
}
