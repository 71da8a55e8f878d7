package dev.scratchnet.io;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor's values as little-endian bytes, the layout safetensors, npz and ONNX's raw data all use, and back. Bools are
 * one byte each, 0 or 1.
 */
public final class TensorBytes {
    private TensorBytes() {
    }

    /**
     * The values of {@code t}, row-major, little-endian.
     *
     * @param t the tensor
     * @return its bytes
     */
    public static byte[] toBytes(Tensor t) {
        ByteBuffer buf = ByteBuffer.allocate(t.size() * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        Object data = Storage.convert(t.data(), t.offset(), t.size(), t.dtype());
        switch (t.dtype()) {
            case FLOAT32 -> buf.asFloatBuffer().put((float[]) data);
            case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data);
            case INT32 -> buf.asIntBuffer().put((int[]) data);
            case INT64 -> buf.asLongBuffer().put((long[]) data);
            case UINT8 -> buf.put((byte[]) data);
            case BOOL -> {
                for (boolean b : (boolean[]) data) {
                    buf.put((byte) (b ? 1 : 0));
                }
            }
        }
        return buf.array();
    }

    /**
     * {@code shape.size()} values of {@code dtype} from {@code bytes}, which must hold exactly that many.
     *
     * @param bytes the values, little-endian, from the buffer's position
     * @param dtype their type
     * @param shape the tensor's shape
     * @return a tensor holding a copy of the values
     */
    public static Tensor fromBytes(ByteBuffer bytes, DType dtype, Shape shape) {
        ByteBuffer buf = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = shape.size();
        Object data = Storage.allocate(dtype, n);
        switch (dtype) {
            case FLOAT32 -> buf.asFloatBuffer().get((float[]) data);
            case FLOAT64 -> buf.asDoubleBuffer().get((double[]) data);
            case INT32 -> buf.asIntBuffer().get((int[]) data);
            case INT64 -> buf.asLongBuffer().get((long[]) data);
            case UINT8 -> buf.get((byte[]) data);
            case BOOL -> {
                boolean[] b = (boolean[]) data;
                for (int i = 0; i < n; i++) {
                    b[i] = buf.get() != 0;
                }
            }
        }
        return Tensor.fromArray(data, shape);
    }
}
