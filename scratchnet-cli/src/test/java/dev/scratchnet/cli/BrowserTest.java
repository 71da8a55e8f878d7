package dev.scratchnet.cli;

import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The draw-a-digit page in a real Chromium (Debian's chromium and chromium-driver, which CI installs): real MNIST test
 * digits drawn stroke by stroke with pointer events, and a picture uploaded, each read by the page as the model reads
 * it. The test fails, never skips, when the browser is missing. Screenshots go to {@code target/screenshots}.
 */
@Tag("e2e")
class BrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static PredictionServer server;
    static ChromeDriver browser;
    static IdxDataset mnist;
    static Model model;

    @BeforeAll
    static void start() throws Exception {
        mnist = Mnist.loadData();
        Tensor x = mnist.xTrain().div(255.0).reshape(-1, 784).cast(DType.FLOAT32), y = mnist.yTrain().cast(DType.INT64);
        model = new Model.Spec(Models.Kind.chapter, 784, 128, 10, 0).build(42);
        Trainer.fit(model.network(), Dataset.fromTensorSlices(x, y).batch(64), 938, x.slice(0, 0), y.slice(0, 0), new Adam(0.001), 1, 2, e -> { });
        Path file = Files.createTempDirectory("browser").resolve("model.safetensors");
        model.save(file);
        server = new PredictionServer(Classifier.load(file), Map.of("model", model.toString()), "127.0.0.1", 0, 30_000);

        assertTrue(new File("/usr/bin/chromedriver").canExecute(), "Chromium's driver is missing: apt-get install -y chromium chromium-driver");
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("chromium"), "--window-size=1200,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build(), options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The digit the page shows once its answer to the request after {@code before} has come. */
    private static String digitAfter(int before) {
        WebElement digit = browser.findElement(By.id("digit"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> {
            String requests = digit.getAttribute("data-requests");
            return requests != null && Integer.parseInt(requests) > before;
        });
        return digit.getText();
    }

    private static int requests() {
        String r = browser.findElement(By.id("digit")).getAttribute("data-requests");
        return r == null ? 0 : Integer.parseInt(r);
    }

    /**
     * Draws a 28x28 picture on the 280x280 pad: a horizontal stroke for every run of bright pixels of every other row
     * (the page's pen is 18 pixels wide, so strokes 20 pixels apart leave the digit whole; each stroke costs the browser
     * a quarter of a second).
     */
    private static void draw(float[] pixels) {
        WebElement pad = browser.findElement(By.id("pad"));
        Actions strokes = new Actions(browser, Duration.ofMillis(5));  // the pointer's moves take 5 ms, not the default 250
        for (int row = 0; row < 28; row += 2) {
            for (int col = 0; col < 28; col++) {
                if (pixels[row * 28 + col] < 0.5f) {
                    continue;
                }
                int end = col;
                while (end + 1 < 28 && pixels[row * 28 + end + 1] >= 0.5f) {
                    end++;
                }
                strokes.moveToElement(pad, col * 10 + 5 - 140, row * 10 + 5 - 140).clickAndHold().moveByOffset((end - col) * 10 + 1, 0).release();
                col = end;
            }
        }
        strokes.perform();
    }

    @Test
    void mnistDigitsDrawnStrokeByStrokeAreReadAsTheModelReadsThem() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        Tensor images = mnist.xTest().div(255.0).reshape(-1, 784).cast(DType.FLOAT32);
        long[] labels = mnist.yTest().cast(DType.INT64).toLongArray();
        int drawn = 0, right = 0;
        for (int i = 0; drawn < 6; i++) {
            float[] pixels = images.slice(i, i + 1).toFloatArray();
            int before = requests();
            draw(pixels);
            String shown = digitAfter(before);
            right += shown.equals(Long.toString(labels[i])) ? 1 : 0;
            if (drawn == 0) {
                Files.write(SCREENSHOTS.resolve("drawn-digit.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            }
            drawn++;
            browser.findElement(By.id("clear")).click();
        }
        assertTrue(right >= 5, right + " of 6 drawn test digits read right");
    }

    @Test
    void anUploadedPictureIsRead() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        int before = requests();
        browser.findElement(By.id("upload")).sendKeys(Path.of("../docs/digit-7.png").toAbsolutePath().normalize().toString());
        assertEquals("7", digitAfter(before));
        assertEquals(10, browser.findElements(By.cssSelector("#bars .bar")).size(), "ten bars");
        assertEquals(1, browser.findElements(By.cssSelector("#bars .bar.winner")).size(), "one winner");
        Files.write(SCREENSHOTS.resolve("uploaded-digit.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
