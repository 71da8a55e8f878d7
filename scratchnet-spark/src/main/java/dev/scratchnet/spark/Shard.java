package dev.scratchnet.spark;

import dev.scratchnet.op.Tensor;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The examples of one partition packed into two tensors, as the model reads them: built once and cached by Spark, so
 * that a step only takes views of them. Serialized as their two arrays.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final int rows;
    final int features;
    private transient Tensor inputs;
    private transient Tensor labels;

    private Shard(int partition, int rows, int features, float[] inputs, long[] labels) {
        this.partition = partition;
        this.rows = rows;
        this.features = features;
        this.inputs = Tensor.of(inputs, rows, features);
        this.labels = Tensor.of(labels, rows);
    }

    static Shard pack(int partition, Iterator<Example> examples) {
        List<Example> all = new ArrayList<>();
        examples.forEachRemaining(all::add);
        int features = all.isEmpty() ? 0 : all.get(0).features().length;
        float[] inputs = new float[Math.multiplyExact(all.size(), features)];
        long[] labels = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Example e = all.get(i);
            if (e.features().length != features) {
                throw new IllegalArgumentException("SparkTrainer: example " + i + " of partition " + partition + " has " + e.features().length
                        + " features, the partition's first has " + features);
            }
            System.arraycopy(e.features(), 0, inputs, i * features, features);
            labels[i] = e.label();
        }
        return new Shard(partition, all.size(), features, inputs, labels);
    }

    /** Rows {@code from} to {@code to} as a float32 tensor [rows, features]. */
    Tensor inputs(int from, int to) {
        return inputs.slice(from, to);
    }

    /** The classes of rows {@code from} to {@code to}, as int64. */
    Tensor labels(int from, int to) {
        return labels.slice(from, to);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(inputs.toFloatArray());
        out.writeObject(labels.toLongArray());
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        inputs = Tensor.of((float[]) in.readObject(), rows, features);
        labels = Tensor.of((long[]) in.readObject(), rows);
    }
}
