package dev.scratchnet.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * What the partitions send back in one round, summed as Spark combines them: arrays (the gradients of a synchronous
 * step, or the weights and moments of parameter averaging, each scaled by the rows behind it), the loss summed over
 * the examples, the examples classified right, and how many examples there were.
 */
final class Contribution implements Serializable {
    private static final long serialVersionUID = 1L;
    transient float[][] arrays;
    double lossSum;
    long correct;
    long rows;

    /** Nothing yet: the zero that Spark starts each partition's sum from. */
    static Contribution none() {
        return new Contribution();
    }

    Contribution(float[][] arrays, double lossSum, long correct, long rows) {
        this.arrays = arrays;
        this.lossSum = lossSum;
        this.correct = correct;
        this.rows = rows;
    }

    private Contribution() {
    }

    /** This sum with {@code other} added; {@code this} is reused (as Spark allows), or {@code other} when this is still empty. */
    Contribution plus(Contribution other) {
        if (other.arrays == null) {
            return this;
        }
        if (arrays == null) {
            return other;
        }
        for (int i = 0; i < arrays.length; i++) {
            float[] into = arrays[i], from = other.arrays[i];
            for (int j = 0; j < into.length; j++) {
                into[j] += from[j];
            }
        }
        lossSum += other.lossSum;
        correct += other.correct;
        rows += other.rows;
        return this;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        FloatArrays.write(out, arrays);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        arrays = FloatArrays.read(in);
    }
}
