package dev.scratchnet.cli;

import dev.scratchnet.data.Fetcher;
import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.kernel.Kernels;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The options that commands working on a data set share: where the data comes from, the kernel threads, and --verbose. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "A directory with the four IDX files of MNIST or a data set in the same layout (default: MNIST, fetched into the cache).")
    Path data;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where fetched data sets are kept (default: $XDG_CACHE_HOME/scratchnet or ~/.cache/scratchnet).")
    Path cache;

    @Option(names = "--threads", description = "Threads for the kernels (default: the number of cores).")
    Integer threads;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    /** The most kernel threads: beyond a few per core they only wait for each other. */
    static final int MAX_THREADS = 256;

    /** Applies --threads, which must be between 1 and {@link #MAX_THREADS}. */
    void applyThreads(picocli.CommandLine.Model.CommandSpec spec) {
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        if (threads != null) {
            Kernels.setThreads(threads);
        }
    }

    /** The data set from --data, or MNIST from the cache (fetched if needed, with progress on standard error). */
    IdxDataset load() throws IOException {
        return data != null ? IdxDataset.load(data) : Mnist.loadData(cache != null ? cache : Fetcher.defaultCacheRoot());
    }

    /** {@link #load}, refusing a data set without training or without test examples: nothing could be learned or measured. */
    IdxDataset loadNonEmpty() throws IOException {
        IdxDataset dataset = load();
        for (String part : new String[] {"training", "test"}) {
            if ((part.equals("training") ? dataset.yTrain() : dataset.yTest()).dim(0) == 0) {
                throw new IllegalArgumentException("the " + part + " set of " + (data != null ? data : "MNIST") + " has no examples");
            }
        }
        return dataset;
    }
}
