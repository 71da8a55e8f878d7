package dev.scratchnet.op;

import dev.scratchnet.tensor.ArrayFormat;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

/**
 * An immutable n-dimensional array of one {@link DType}: dense row-major values in a primitive array, from an
 * offset, so that reshapes and row slices share the values instead of copying them.
 *
 * <p>Thread safety: a tensor never changes once made (a tensor read from a {@link Variable} included), so any number
 * of threads may read it and compute with it at once.
 */
public final class Tensor implements Operand {
    private final DType dtype;
    private final Shape shape;
    private final Object data;
    private final int offset;

    Tensor(Shape shape, Object data, int offset) {
        this.dtype = Storage.dtypeOf(data);
        this.shape = shape;
        this.data = data;
        this.offset = offset;
    }

    /** Wraps a freshly computed array that nobody else holds. */
    static Tensor wrap(Shape shape, Object data) {
        return new Tensor(shape, data, 0);
    }

    private static Tensor create(Object data, int[] dims) {
        return fromArray(data, dims.length == 0 ? Shape.of(Storage.length(data)) : Shape.of(dims));
    }

    /**
     * A tensor holding a copy of a primitive array ({@code float[]}, {@code double[]}, {@code int[]}, {@code long[]},
     * {@code byte[]} as uint8, {@code boolean[]}), whose type gives the dtype, in {@code shape} (which may be a scalar).
     *
     * @param data the primitive array
     * @param shape the shape
     * @return a tensor holding a copy of a primitive array
     */
    public static Tensor fromArray(Object data, Shape shape) {
        if (shape.size() != Storage.length(data)) {
            throw new IllegalArgumentException("tensor: " + Storage.length(data) + " values do not fill shape " + shape);
        }
        return new Tensor(shape, Storage.convert(data, 0, shape.size(), Storage.dtypeOf(data)), 0);
    }

    /**
     * A float32 tensor holding a copy of {@code values} in shape {@code dims}; without dims, a vector.
     *
     * @param values the values, copied
     * @param dims the dimensions of the shape
     * @return a float32 tensor holding a copy of {@code values} in shape {@code dims}
     */
    public static Tensor of(float[] values, int... dims) {
        return create(values, dims);
    }

    /**
     * A float64 tensor holding a copy of {@code values}.
     *
     * @param values the values, copied
     * @param dims the dimensions of the shape
     * @return a float64 tensor holding a copy of {@code values}
     */
    public static Tensor of(double[] values, int... dims) {
        return create(values, dims);
    }

    /**
     * An int32 tensor holding a copy of {@code values}.
     *
     * @param values the values, copied
     * @param dims the dimensions of the shape
     * @return an int32 tensor holding a copy of {@code values}
     */
    public static Tensor of(int[] values, int... dims) {
        return create(values, dims);
    }

    /**
     * An int64 tensor holding a copy of {@code values}.
     *
     * @param values the values, copied
     * @param dims the dimensions of the shape
     * @return an int64 tensor holding a copy of {@code values}
     */
    public static Tensor of(long[] values, int... dims) {
        return create(values, dims);
    }

    /**
     * A bool tensor holding a copy of {@code values}.
     *
     * @param values the values, copied
     * @param dims the dimensions of the shape
     * @return a bool tensor holding a copy of {@code values}
     */
    public static Tensor of(boolean[] values, int... dims) {
        return create(values, dims);
    }

    /**
     * A uint8 tensor holding a copy of {@code values}, each byte read as unsigned (0 to 255).
     *
     * @param values the values, copied
     * @param dims the dimensions of the shape
     * @return a uint8 tensor holding a copy of {@code values}, each byte read as unsigned
     */
    public static Tensor ofUInt8(byte[] values, int... dims) {
        return create(values, dims);
    }

    /**
     * A float32 matrix from rows of equal length.
     *
     * @param rows the rows of one pass
     * @return a float32 matrix from rows of equal length
     */
    public static Tensor of(float[][] rows) {
        return of(rows, DType.FLOAT32);
    }

    /**
     * A float64 matrix from rows of equal length.
     *
     * @param rows the rows of one pass
     * @return a float64 matrix from rows of equal length
     */
    public static Tensor of(double[][] rows) {
        return of(rows, DType.FLOAT64);
    }

    /**
     * A float32 tensor of three axes from nested arrays of equal lengths.
     *
     * @param values the values, copied
     * @return a float32 tensor of three axes from nested arrays of equal lengths
     */
    public static Tensor of(float[][][] values) {
        return of(values, DType.FLOAT32);
    }

    /**
     * A float64 tensor of three axes from nested arrays of equal lengths.
     *
     * @param values the values, copied
     * @return a float64 tensor of three axes from nested arrays of equal lengths
     */
    public static Tensor of(double[][][] values) {
        return of(values, DType.FLOAT64);
    }

    /**
     * A tensor of {@code dtype} from a Java array of any depth ({@code double[][]}, {@code int[][][]}, ...; rows must
     * have equal lengths), its shape read from the nesting: the chapter's {@code tf.convert_to_tensor(x, dtype=...)}.
     *
     * @param array a primitive array
     * @param dtype the element type
     * @return a tensor of {@code dtype} from a Java array of any depth
     */
    public static Tensor of(Object array, DType dtype) {
        if (array == null || !array.getClass().isArray()) {
            throw new IllegalArgumentException("tensor: expected a Java array, got " + (array == null ? "null" : array.getClass().getSimpleName()));
        }
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        Class<?> type = array.getClass();
        Object probe = array;
        while (type.getComponentType().isArray()) {
            int n = probe == null ? 0 : java.lang.reflect.Array.getLength(probe);
            dims.add(n);
            probe = n == 0 ? null : java.lang.reflect.Array.get(probe, 0);
            if (n > 0 && probe == null) {
                throw new IllegalArgumentException("tensor: null row at depth " + dims.size());
            }
            type = type.getComponentType();
        }
        int rowLength = probe == null ? 0 : Storage.length(probe);
        dims.add(rowLength);
        Shape shape = Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
        Object flat = Storage.allocate(Storage.dtypeOf(java.lang.reflect.Array.newInstance(type.getComponentType(), 0)), shape.size());
        int[] filled = {0};
        if (shape.size() > 0) {
            flatten(array, 0, dims, rowLength, flat, filled);
        }
        return new Tensor(shape, Storage.convert(flat, 0, shape.size(), dtype), 0);
    }

    private static void flatten(Object array, int depth, java.util.List<Integer> dims, int rowLength, Object flat, int[] filled) {
        int n = java.lang.reflect.Array.getLength(array);
        if (n != dims.get(depth)) {
            throw new IllegalArgumentException("tensor: ragged array, a row at depth " + depth + " has " + n + " entries, not " + dims.get(depth));
        }
        if (depth == dims.size() - 1) {
            System.arraycopy(array, 0, flat, filled[0], rowLength);
            filled[0] += rowLength;
            return;
        }
        for (int i = 0; i < n; i++) {
            Object row = java.lang.reflect.Array.get(array, i);
            if (row == null) {
                throw new IllegalArgumentException("tensor: null row at depth " + (depth + 1));
            }
            flatten(row, depth + 1, dims, rowLength, flat, filled);
        }
    }

    /**
     * A scalar of the given dtype (TensorFlow's {@code tf.constant(value, dtype)}).
     *
     * @param value the value
     * @param dtype the element type
     * @return a scalar of the given dtype
     */
    public static Tensor scalar(double value, DType dtype) {
        return fill(dtype, value);
    }

    /**
     * A float32 scalar.
     *
     * @param value the value
     * @return a float32 scalar
     */
    public static Tensor scalar(float value) {
        return new Tensor(Shape.SCALAR, new float[] {value}, 0);
    }

    /**
     * A tensor of {@code dims} with every element equal to {@code value}.
     *
     * @param dtype the element type
     * @param value the value
     * @param dims the dimensions of the shape
     * @return a tensor of {@code dims} with every element equal to {@code value}
     */
    public static Tensor fill(DType dtype, double value, int... dims) {
        Shape shape = Shape.of(dims);
        Object data = Storage.allocate(dtype, shape.size());
        if (value != 0) {
            for (int i = 0; i < shape.size(); i++) {
                Storage.setDouble(data, i, value);
            }
        }
        return new Tensor(shape, data, 0);
    }

    /**
     * A tensor of zeros, like {@code tf.zeros(shape, dtype)}.
     *
     * @param dtype the element type
     * @param dims the dimensions of the shape
     * @return a tensor of zeros, like {@code tf.zeros(shape, dtype)}
     */
    public static Tensor zeros(DType dtype, int... dims) {
        return fill(dtype, 0, dims);
    }

    /**
     * A tensor of ones, like {@code tf.ones(shape, dtype)}.
     *
     * @param dtype the element type
     * @param dims the dimensions of the shape
     * @return a tensor of ones, like {@code tf.ones(shape, dtype)}
     */
    public static Tensor ones(DType dtype, int... dims) {
        return fill(dtype, 1, dims);
    }

    /**
     * A float32 tensor of zeros, like {@code tf.zeros(shape)}.
     *
     * @param dims the dimensions of the shape
     * @return a float32 tensor of zeros, like {@code tf.zeros(shape)}
     */
    public static Tensor zeros(int... dims) {
        return zeros(DType.FLOAT32, dims);
    }

    /**
     * A float32 tensor of ones, like {@code tf.ones(shape)}.
     *
     * @param dims the dimensions of the shape
     * @return a float32 tensor of ones, like {@code tf.ones(shape)}
     */
    public static Tensor ones(int... dims) {
        return ones(DType.FLOAT32, dims);
    }

    /**
     * {@code start, start + delta, ...} up to but excluding {@code limit}, like {@code tf.range}.
     *
     * @param start the first index
     * @param limit the end, excluded
     * @param delta the step between values
     * @param dtype the element type
     * @return {@code start, start + delta, ...} up to but excluding {@code limit}
     */
    public static Tensor range(double start, double limit, double delta, DType dtype) {
        if (delta == 0 || !Double.isFinite(start) || !Double.isFinite(limit) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("range: need finite start, limit and a non-zero delta, got " + start + ", " + limit + ", " + delta);
        }
        int n = (int) Math.max(0, Math.ceil((limit - start) / delta));
        Object data = Storage.allocate(dtype, n);
        for (int i = 0; i < n; i++) {
            Storage.setDouble(data, i, start + i * delta);
        }
        return new Tensor(Shape.of(n), data, 0);
    }

    /**
     * {@code 0, 1, ..., limit - 1} as int32, like {@code tf.range(limit)}.
     *
     * @param limit the end, excluded
     * @return {@code 0, 1, ..., limit - 1} as int32
     */
    public static Tensor range(int limit) {
        return range(0, limit, 1, DType.INT32);
    }

    @Override
    public Tensor value() {
        return this;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    /**
     * The number of axes.
     *
     * @return the number of axes
     */
    public int rank() {
        return shape.rank();
    }

    /**
     * The number of elements.
     *
     * @return the number of elements
     */
    public int size() {
        return shape.size();
    }

    /**
     * Dimension {@code axis} of the shape; negative axes count from the end.
     *
     * @param axis the axis (negative counts from the end)
     * @return dimension {@code axis} of the shape
     */
    public int dim(int axis) {
        return shape.dim(axis);
    }

    /**
     * Rows {@code start} (inclusive) to {@code end} (exclusive) along the first axis, like Python's
     * {@code x[start:end]}: the end is clipped to the number of rows, and the values are shared, not copied.
     *
     * @param start the first index
     * @param end the index after the last
     * @return the rows, sharing this tensor's values
     */
    public Tensor slice(int start, int end) {
        if (shape.rank() == 0) {
            throw new IllegalArgumentException("slice: cannot slice a scalar");
        }
        int rows = shape.dim(0);
        int from = Math.max(0, Math.min(start, rows));
        int to = Math.max(from, Math.min(end, rows));
        return new Tensor(shape.withFirst(to - from), data, offset + from * shape.rowSize());
    }

    /**
     * The value of a one-element tensor as a double.
     *
     * @return the value of a one-element tensor as a double
     */
    public double item() {
        if (shape.size() != 1) {
            throw new IllegalStateException("item: tensor of shape " + shape + " has " + shape.size() + " elements, not 1");
        }
        return Storage.getDouble(data, offset);
    }

    /**
     * The value of a one-element tensor as a float.
     *
     * @return the value of a one-element tensor as a float
     */
    public float floatValue() {
        return (float) item();
    }

    /**
     * The value of a one-element integer tensor as a long.
     *
     * @return the value of a one-element integer tensor as a long
     */
    public long longValue() {
        if (shape.size() != 1) {
            throw new IllegalStateException("longValue: tensor of shape " + shape + " has " + shape.size() + " elements, not 1");
        }
        return Storage.getLong(data, offset);
    }

    /**
     * The element at {@code index} (one entry per axis), as a double.
     *
     * @param index one index per axis
     * @return the element at {@code index}
     */
    public double getDouble(int... index) {
        return Storage.getDouble(data, offset + flatIndex(index));
    }

    /**
     * The element at {@code index} (one entry per axis), as a long.
     *
     * @param index one index per axis
     * @return the element at {@code index} (one entry per axis), as a long
     */
    public long getLong(int... index) {
        return Storage.getLong(data, offset + flatIndex(index));
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("index of rank " + index.length + " for a tensor of shape " + shape);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("index " + java.util.Arrays.toString(index) + " is outside shape " + shape);
            }
            flat = flat * shape.dim(i) + index[i];
        }
        return flat;
    }

    /**
     * A tensor of the same shape and dtype with a copy of the values of its own, like {@code torch.clone}: for a value
     * computed inside a {@link StepBuffers} step that must outlive it.
     *
     * @return the copy
     */
    public Tensor copy() {
        return wrap(shape(), Storage.convert(data, offset, size(), dtype()));
    }

    /**
     * The values, flattened and converted to float.
     *
     * @return the values, flattened and converted to float
     */
    public float[] toFloatArray() {
        return (float[]) Storage.convert(data, offset, size(), DType.FLOAT32);
    }

    /**
     * The values, flattened and converted to double.
     *
     * @return the values, flattened and converted to double
     */
    public double[] toDoubleArray() {
        return Storage.toDoubles(data, offset, size());
    }

    /**
     * The values, flattened and converted to int.
     *
     * @return the values, flattened and converted to int
     */
    public int[] toIntArray() {
        return (int[]) Storage.convert(data, offset, size(), DType.INT32);
    }

    /**
     * The values, flattened and converted to long.
     *
     * @return the values, flattened and converted to long
     */
    public long[] toLongArray() {
        return Storage.toLongs(data, offset, size());
    }

    /**
     * The values, flattened and converted to bool (non-zero is true).
     *
     * @return the values, flattened and converted to bool
     */
    public boolean[] toBooleanArray() {
        return (boolean[]) Storage.convert(data, offset, size(), DType.BOOL);
    }

    /**
     * The values, flattened and converted to uint8 bytes.
     *
     * @return the values, flattened and converted to uint8 bytes
     */
    public byte[] toUInt8Array() {
        return (byte[]) Storage.convert(data, offset, size(), DType.UINT8);
    }

    /**
     * The primitive array behind this tensor, read from {@link #offset()}: for kernels, optimizers and writers
     * that must not copy. It must not be modified: tensors are values.
     *
     * @return the primitive array behind this tensor, read from {@link #offset()}
     */
    public Object data() {
        return data;
    }

    /**
     * Where this tensor's first element sits in {@link #data()}.
     *
     * @return where this tensor's first element sits in {@link #data()}
     */
    public int offset() {
        return offset;
    }

    float[] floats() {
        return (float[]) data;
    }

    double[] doubles() {
        return (double[]) data;
    }

    byte[] bytes() {
        return (byte[]) data;
    }

    @Override
    public String toString() {
        return "tensor(" + ArrayFormat.format(data, offset, shape) + ", shape=" + shape + ", dtype=" + dtype + ")";
    }
}
