package dev.scratchnet.faults;

import dev.scratchnet.data.FileSpec;
import dev.scratchnet.data.Fetcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A process that fetches one file: {@code URL_BASE CACHE_DIR NAME SHA256}. */
public final class FetchChild {
    private FetchChild() {
    }

    public static void main(String[] args) throws Exception {
        new Fetcher(Path.of(args[1]), List.of(args[0]), null, Duration.ofSeconds(30), System.out).fetch(List.of(new FileSpec(args[2], args[3])));
    }
}
