package dev.scratchnet.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code train} timed as a user sees it: a child JVM started with this one's options and class path (as the launcher
 * starts the tool), from its launch to its first and last epoch lines and to its exit. In a short run the start, the
 * JIT's warm-up and the run folder weigh as much as the steady epochs that the training rows measure.
 */
final class WholeRun {
    /** Seconds from the launch to the first epoch line, to the last one, and to the exit. */
    record Timing(double firstEpochLine, double lastEpochLine, double exit) {
    }

    private WholeRun() {
    }

    /** Runs {@code train --quiet} with {@code arguments} in a child JVM, its run folder in a temporary folder removed afterwards. */
    static Timing time(List<String> arguments) throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory("scratchnet-whole-run");
        try {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--quiet", "--out",
                    folder.resolve("run").toString()));
            command.addAll(arguments);
            long start = System.nanoTime();
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            double first = Double.NaN, last = Double.NaN;
            String lastLine = "";
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("Epoch ")) {
                        last = (System.nanoTime() - start) / 1e9;
                        first = Double.isNaN(first) ? last : first;
                    }
                    lastLine = line.isBlank() ? lastLine : line;
                }
            }
            int code = child.waitFor();
            double exit = (System.nanoTime() - start) / 1e9;
            if (code != 0 || Double.isNaN(first)) {
                throw new IllegalStateException("the timed train run failed (exit code " + code + "): " + lastLine);
            }
            return new Timing(first, last, exit);
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
