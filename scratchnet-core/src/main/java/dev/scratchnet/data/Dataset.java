package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An input pipeline like {@code tf.data.Dataset}: elements are tuples of tensors, transformed lazily and read
 * with for-each, e.g. {@code Dataset.fromTensorSlices(x, y).shuffle(10000, 42).batch(64).prefetch(2)}.
 * Every iteration is a new pass: a shuffled dataset is shuffled anew in each pass, the same way for the same
 * seed. Batches of unshuffled slices are views of the source tensors, not copies.
 */
public final class Dataset implements Iterable<List<Tensor>> {
    /** Opens the elements for pass number {@code pass} (0 for the first). */
    @FunctionalInterface
    private interface Source {
        Iterator<List<Tensor>> open(long pass);
    }

    private final Source source;
    /** The source tensors when this dataset is their plain slices (so that batches can be views), else null. */
    private final Tensor[] slices;
    private final AtomicLong passes = new AtomicLong();

    private Dataset(Source source, Tensor[] slices) {
        this.source = source;
        this.slices = slices;
    }

    private Dataset(Source source) {
        this(source, null);
    }

    /**
     * The elements are the slices of the tensors along their first axis, which must have the same length.
     *
     * @param tensors the tensors
     * @return a dataset of the slices
     */
    public static Dataset fromTensorSlices(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("fromTensorSlices: needs at least one tensor");
        }
        for (Tensor t : tensors) {
            if (t.rank() == 0 || t.dim(0) != tensors[0].dim(0)) {
                throw new IllegalArgumentException("fromTensorSlices: all tensors need the same first dimension, got " + t.shape()
                        + " and " + tensors[0].shape());
            }
        }
        Tensor[] ts = tensors.clone();
        return new Dataset(pass -> views(ts, 1, false), ts);
    }

    private static Iterator<List<Tensor>> views(Tensor[] ts, int size, boolean dropRemainder) {
        int n = ts[0].dim(0);
        int end = dropRemainder ? n - n % size : n;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public List<Tensor> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Tensor> element = new ArrayList<>(ts.length);
                for (Tensor t : ts) {
                    Tensor rows = t.slice(next, next + size);
                    element.add(size == 1 && rows.dim(0) == 1 ? rowOf(rows) : rows);
                }
                next += size;
                return element;
            }
        };
    }

    /** A [1, ...] slice as the element of shape [...]. */
    private static Tensor rowOf(Tensor oneRow) {
        int[] dims = oneRow.shape().dims();
        return dev.scratchnet.op.Ops.reshape(oneRow, java.util.Arrays.copyOfRange(dims, 1, dims.length));
    }

    @Override
    public Iterator<List<Tensor>> iterator() {
        return source.open(passes.getAndIncrement());
    }

    /**
     * Elements in random order from a buffer of {@code bufferSize}, as {@code tf.data} shuffles: each pass in a new
     * order, the same orders for the same seed. A buffer at least the size of the data set shuffles uniformly.
     *
     * @param bufferSize the examples to shuffle among
     * @param seed the seed
     * @return a dataset of the same elements in random order
     */
    public Dataset shuffle(int bufferSize, long seed) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("shuffle: buffer size must be at least 1, got " + bufferSize);
        }
        Dataset upstream = this;
        return new Dataset(pass -> {
            Iterator<List<Tensor>> in = upstream.source.open(pass);
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + pass);
            List<List<Tensor>> buffer = new ArrayList<>(Math.min(bufferSize, 1 << 16));
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    while (buffer.size() < bufferSize && in.hasNext()) {
                        buffer.add(in.next());
                    }
                    return !buffer.isEmpty();
                }

                @Override
                public List<Tensor> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    int i = random.nextInt(buffer.size());
                    List<Tensor> picked = buffer.get(i);
                    buffer.set(i, buffer.get(buffer.size() - 1));
                    buffer.remove(buffer.size() - 1);
                    return picked;
                }
            };
        });
    }

    /**
     * Consecutive elements stacked along a new first axis; the last batch may be smaller.
     *
     * @param size the examples per batch
     * @return consecutive elements stacked along a new first axis
     */
    public Dataset batch(int size) {
        return batch(size, false);
    }

    /**
     * Consecutive elements stacked along a new first axis; with {@code dropRemainder}, a last smaller batch is dropped.
     *
     * @param size the examples per batch
     * @param dropRemainder whether to drop a last, smaller batch
     * @return consecutive elements stacked along a new first axis
     */
    public Dataset batch(int size, boolean dropRemainder) {
        if (size < 1) {
            throw new IllegalArgumentException("batch: size must be at least 1, got " + size);
        }
        if (slices != null) {
            Tensor[] ts = slices;
            return new Dataset(pass -> views(ts, size, dropRemainder));
        }
        Dataset upstream = this;
        return new Dataset(pass -> {
            Iterator<List<Tensor>> in = upstream.source.open(pass);
            return new Iterator<>() {
                private List<List<Tensor>> pending;

                @Override
                public boolean hasNext() {
                    if (pending == null) {
                        pending = new ArrayList<>(size);
                        while (pending.size() < size && in.hasNext()) {
                            pending.add(in.next());
                        }
                    }
                    return !pending.isEmpty() && (!dropRemainder || pending.size() == size);
                }

                @Override
                public List<Tensor> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    List<Tensor> stacked = stack(pending);
                    pending = null;
                    return stacked;
                }
            };
        });
    }

    private static List<Tensor> stack(List<List<Tensor>> elements) {
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < elements.get(0).size(); k++) {
            Tensor first = elements.get(0).get(k);
            int rowSize = first.size();
            Object data = Storage.allocate(first.dtype(), rowSize * elements.size());
            for (int e = 0; e < elements.size(); e++) {
                Tensor t = elements.get(e).get(k);
                if (!t.shape().equals(first.shape()) || t.dtype() != first.dtype()) {
                    throw new IllegalArgumentException("batch: element " + e + " has component " + k + " of " + t.dtype() + t.shape()
                            + ", element 0 has " + first.dtype() + first.shape());
                }
                System.arraycopy(t.data(), t.offset(), data, e * rowSize, rowSize);
            }
            int[] dims = new int[first.rank() + 1];
            dims[0] = elements.size();
            System.arraycopy(first.shape().dims(), 0, dims, 1, first.rank());
            out.add(Tensor.fromArray(data, Shape.of(dims)));
        }
        return out;
    }

    /**
     * Each element transformed by {@code fn}.
     *
     * @param fn the function
     * @return each element transformed by {@code fn}
     */
    public Dataset map(Function<List<Tensor>, List<Tensor>> fn) {
        Dataset upstream = this;
        return new Dataset(pass -> {
            Iterator<List<Tensor>> in = upstream.source.open(pass);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public List<Tensor> next() {
                    return fn.apply(in.next());
                }
            };
        });
    }

    /**
     * The first {@code n} elements.
     *
     * @param n the number of elements
     * @return the first {@code n} elements
     */
    public Dataset take(long n) {
        Dataset upstream = this;
        return new Dataset(pass -> {
            Iterator<List<Tensor>> in = upstream.source.open(pass);
            return new Iterator<>() {
                private long taken;

                @Override
                public boolean hasNext() {
                    return taken < n && in.hasNext();
                }

                @Override
                public List<Tensor> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    taken++;
                    return in.next();
                }
            };
        });
    }

    /**
     * All but the first {@code n} elements.
     *
     * @param n the number of elements
     * @return all but the first {@code n} elements
     */
    public Dataset skip(long n) {
        Dataset upstream = this;
        return new Dataset(pass -> {
            Iterator<List<Tensor>> in = upstream.source.open(pass);
            for (long i = 0; i < n && in.hasNext(); i++) {
                in.next();
            }
            return in;
        });
    }

    /**
     * The elements {@code count} times over (each time a new pass, so shuffled anew); -1 repeats forever.
     *
     * @param count how many times, or -1 for ever
     * @return the elements {@code count} times over
     */
    public Dataset repeat(long count) {
        Dataset upstream = this;
        return new Dataset(pass -> new Iterator<>() {
            private long round;
            private Iterator<List<Tensor>> current = upstream.source.open(pass * 1_000_003L);

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (count >= 0 && round + 1 >= count) {
                        return false;
                    }
                    current = upstream.source.open(pass * 1_000_003L + ++round);
                    if (!current.hasNext()) {
                        return false;
                    }
                }
                return count != 0;
            }

            @Override
            public List<Tensor> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        });
    }

    /**
     * Elements prepared up to {@code n} ahead on a background thread while the caller works on the current one.
     *
     * @param n the number of elements
     * @return a dataset of the same elements, prepared ahead
     */
    public Dataset prefetch(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("prefetch: needs at least 1, got " + n);
        }
        Dataset upstream = this;
        return new Dataset(pass -> {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(n);
            Object end = new Object();
            Thread producer = new Thread(() -> {
                try {
                    Iterator<List<Tensor>> in = upstream.source.open(pass);
                    while (in.hasNext()) {
                        queue.put(in.next());
                    }
                    queue.put(end);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    try {
                        queue.put(e);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "scratchnet-prefetch");
            producer.setDaemon(true);
            producer.start();
            return new Iterator<>() {
                private Object head;

                @Override
                public boolean hasNext() {
                    if (head == null) {
                        try {
                            head = queue.take();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted while waiting for the next element", e);
                        }
                    }
                    if (head instanceof RuntimeException r) {
                        throw r;
                    }
                    if (head instanceof Error err) {
                        throw err;
                    }
                    return head != end;
                }

                @Override
                @SuppressWarnings("unchecked")
                public List<Tensor> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    List<Tensor> element = (List<Tensor>) head;
                    head = null;
                    return element;
                }
            };
        });
    }
}
