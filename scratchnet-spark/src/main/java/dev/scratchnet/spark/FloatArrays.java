package dev.scratchnet.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float arrays as they travel: the weights broadcast every round, and the sums sent back. Written as raw little-endian
 * bytes in bulk, where Java serialization would write a float array one element at a time.
 */
final class FloatArrays implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient float[][] arrays;

    FloatArrays(float[][] arrays) {
        this.arrays = arrays;
    }

    float[][] arrays() {
        return arrays;
    }

    /** Floats written or read at a time, through one buffer of 64 KB: no copy of a whole array is made on the way. */
    private static final int CHUNK = 16 * 1024;

    static void write(ObjectOutputStream out, float[][] arrays) throws IOException {
        out.writeInt(arrays == null ? -1 : arrays.length);
        if (arrays == null) {
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] array : arrays) {
            out.writeInt(array.length);
            for (int from = 0; from < array.length; from += CHUNK) {
                int n = Math.min(CHUNK, array.length - from);
                chunk.asFloatBuffer().put(array, from, n);
                out.write(chunk.array(), 0, 4 * n);
            }
        }
    }

    static float[][] read(ObjectInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            return null;
        }
        float[][] arrays = new float[count][];
        ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            float[] array = new float[in.readInt()];
            for (int from = 0; from < array.length; from += CHUNK) {
                int n = Math.min(CHUNK, array.length - from);
                in.readFully(chunk.array(), 0, 4 * n);
                chunk.asFloatBuffer().get(array, from, n);
            }
            arrays[i] = array;
        }
        return arrays;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        write(out, arrays);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        arrays = read(in);
    }
}
