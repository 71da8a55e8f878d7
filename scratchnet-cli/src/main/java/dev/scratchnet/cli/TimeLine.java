package dev.scratchnet.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Moments of a run in seconds since the JVM started: in a short run, what comes before the first step, the first
 * epoch's warm-up and what comes after the last epoch weigh as much as the steady epochs. Marking costs a clock read;
 * the JVM's start is looked up only when the line is printed.
 */
final class TimeLine {
    private final List<String> moments = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();

    void mark(String moment) {
        moments.add(moment);
        nanos.add(System.nanoTime());
    }

    /** One line: each moment with its time since the JVM started. */
    String describe() {
        long now = System.nanoTime();
        double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        StringBuilder line = new StringBuilder("Time line (seconds since the JVM started):");
        for (int i = 0; i < moments.size(); i++) {
            line.append(i == 0 ? " " : ", ").append(String.format(Locale.ROOT, "%s %.2f", moments.get(i), uptime - (now - nanos.get(i)) / 1e9));
        }
        return line.append('.').toString();
    }
}
