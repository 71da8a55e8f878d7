package dev.scratchnet.op;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of a training step goes: calls, time and floating-point operations per op, and per op's
 * gradient rule (with the ops that rule runs counted inside it, not again on their own). Off by default, when
 * it costs one static read per op. Meant for one training thread.
 */
public final class Profiler {
    private static boolean enabled;
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static int ruleDepth;
    private static double ruleFlops;

    private Profiler() {
    }

    /** The totals of one line of the table. */
    private static final class Entry {
        long calls;
        long nanos;
        double flops;
    }

    /**
     * Turns profiling on (from a clean table) or off (keeping the table).
     *
     * @param on true to turn it on
     */
    public static void enable(boolean on) {
        if (on && !enabled) {
            ENTRIES.clear();
            ruleDepth = 0;
        }
        enabled = on;
    }

    /**
     * Whether profiling is on.
     *
     * @return whether profiling is on
     */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * A start time for {@link #op} or {@link #exit}, or 0 when profiling is off.
     *
     * @return a start time for {@link #op} or {@link #exit}, or 0 when profiling is off
     */
    public static long start() {
        return enabled ? System.nanoTime() : 0;
    }

    /**
     * Counts one call of {@code name} that began at {@code start} and did {@code flops} operations.
     *
     * @param name the op's name, a line of the table
     * @param start what {@link #start} returned
     * @param flops the floating-point operations done
     */
    public static void op(String name, long start, double flops) {
        if (!enabled) {
            return;
        }
        if (ruleDepth > 0) {
            ruleFlops += flops;
            return;
        }
        add(name, System.nanoTime() - start, flops);
    }

    /**
     * Marks the start of a gradient rule (or another compound step); returns its start time.
     *
     * @return the start time, or 0 when profiling is off
     */
    public static long enter() {
        if (!enabled) {
            return 0;
        }
        if (ruleDepth++ == 0) {
            ruleFlops = 0;
        }
        return System.nanoTime();
    }

    /**
     * Counts the compound step begun by {@link #enter} under {@code name}, with the operations of the ops inside it.
     *
     * @param name the name
     * @param start the first index
     */
    public static void exit(String name, long start) {
        if (!enabled) {
            return;
        }
        if (--ruleDepth == 0) {
            add(name, System.nanoTime() - start, ruleFlops);
        }
    }

    private static void add(String name, long nanos, double flops) {
        Entry e = ENTRIES.computeIfAbsent(name, k -> new Entry());
        e.calls++;
        e.nanos += nanos;
        e.flops += flops;
    }

    /**
     * The table, most expensive first, with each line's share of {@code totalSeconds}.
     *
     * @param totalSeconds the time the table covers
     * @return the table, most expensive first, with each line's share of {@code totalSeconds}
     */
    public static String table(double totalSeconds) {
        List<Map.Entry<String, Entry>> rows = new ArrayList<>(ENTRIES.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-50s %9s %11s %8s %9s%n", "op", "calls", "total ms", "share", "GFLOP/s"));
        long sum = 0;
        for (Map.Entry<String, Entry> row : rows) {
            Entry e = row.getValue();
            sum += e.nanos;
            sb.append(String.format(Locale.ROOT, "%-50s %9d %11.1f %7.1f%% %9s%n", row.getKey(), e.calls, e.nanos / 1e6,
                    100 * e.nanos / 1e9 / totalSeconds, e.flops > 0 ? String.format(Locale.ROOT, "%.1f", e.flops / e.nanos) : "-"));
        }
        sb.append(String.format(Locale.ROOT, "%-50s %9s %11.1f %7.1f%%%n", "(everything else)", "", Math.max(0, totalSeconds * 1e3 - sum / 1e6),
                100 * Math.max(0, totalSeconds - sum / 1e9) / totalSeconds));
        return sb.toString();
    }
}
