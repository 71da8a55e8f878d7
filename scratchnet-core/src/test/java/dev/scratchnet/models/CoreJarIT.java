package dev.scratchnet.models;

import dev.scratchnet.data.IdxFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packaged core jar, alone, runs the chapter's program on the class path and on the module path, with the Vector
 * API and without it (then with one notice on standard error, not an exception).
 */
class CoreJarIT {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = IdxFiles.writeMnistSized(dir.resolve("data"), 300, 100, 10);
    }

    @ParameterizedTest(name = "{0}, Vector API {1}")
    @CsvSource({"class path, true", "class path, false", "module path, true", "module path, false"})
    void theChapterRuns(String path, boolean vector) throws Exception {
        String jar = System.getProperty("core.jar");
        assertNotNull(jar, "the build passes the jar's path as core.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (vector) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        if (path.equals("class path")) {
            command.addAll(List.of("-cp", jar, "dev.scratchnet.models.Chapter14"));
        } else {
            command.addAll(List.of("--module-path", jar, "--module", "dev.scratchnet/dev.scratchnet.models.Chapter14"));
        }
        command.add(data.toString());
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the chapter finished");
        String stdout = Files.readString(out), stderr = Files.readString(err);
        assertEquals(0, process.exitValue(), stdout + stderr);
        List<String> epochs = stdout.lines().filter(l -> l.matches("Epoch \\d, Test Accuracy: [01]\\.\\d{4}")).toList();
        assertEquals(5, epochs.size(), stdout);
        assertTrue(Double.parseDouble(epochs.get(4).substring(epochs.get(4).lastIndexOf(' '))) > 0.9, "it learned: " + stdout);
        long notices = stderr.lines().filter(l -> l.contains("Vector API is not enabled")).count();
        assertEquals(vector ? 0 : 1, notices, stderr);
        assertFalse(stderr.contains("Exception"), stderr);
    }
}
