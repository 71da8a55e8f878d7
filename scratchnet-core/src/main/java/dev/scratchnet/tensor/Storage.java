package dev.scratchnet.tensor;

/**
 * Helpers for the primitive arrays behind tensors: one array type per dtype
 * ({@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@code byte[]} holding uint8, {@code boolean[]}).
 * Element-wise access here is for creation, conversion and printing, never for the numeric hot paths,
 * which live in the kernels.
 */
public final class Storage {
    private Storage() {
    }

    /**
     * A zero-filled array of {@code n} elements of {@code dtype}.
     *
     * @param dtype the element type
     * @param n the number of elements
     * @return a zero-filled array of {@code n} elements of {@code dtype}
     */
    public static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case UINT8 -> new byte[n];
            case BOOL -> new boolean[n];
        };
    }

    /**
     * The dtype whose storage is this kind of primitive array.
     *
     * @param array a primitive array
     * @return the dtype whose storage is this kind of primitive array
     */
    public static DType dtypeOf(Object array) {
        if (array instanceof float[]) return DType.FLOAT32;
        if (array instanceof double[]) return DType.FLOAT64;
        if (array instanceof int[]) return DType.INT32;
        if (array instanceof long[]) return DType.INT64;
        if (array instanceof byte[]) return DType.UINT8;
        if (array instanceof boolean[]) return DType.BOOL;
        throw new IllegalArgumentException("not a tensor storage array: " + (array == null ? "null" : array.getClass().getSimpleName()));
    }

    /**
     * The length of a primitive array.
     *
     * @param array a primitive array
     * @return the length of a primitive array
     */
    public static int length(Object array) {
        return java.lang.reflect.Array.getLength(array);
    }

    /**
     * Element {@code i} of a primitive array, as a double.
     *
     * @param array a primitive array
     * @param i the index
     * @return element {@code i} of a primitive array, as a double
     */
    public static double getDouble(Object array, int i) {
        if (array instanceof float[] a) return a[i];
        if (array instanceof double[] a) return a[i];
        if (array instanceof int[] a) return a[i];
        if (array instanceof long[] a) return a[i];
        if (array instanceof byte[] a) return a[i] & 0xFF;
        return ((boolean[]) array)[i] ? 1 : 0;
    }

    /**
     * Element {@code i} of a primitive array, as a long.
     *
     * @param array a primitive array
     * @param i the index
     * @return element {@code i} of a primitive array, as a long
     */
    public static long getLong(Object array, int i) {
        if (array instanceof float[] a) return (long) a[i];
        if (array instanceof double[] a) return (long) a[i];
        if (array instanceof int[] a) return a[i];
        if (array instanceof long[] a) return a[i];
        if (array instanceof byte[] a) return a[i] & 0xFF;
        return ((boolean[]) array)[i] ? 1 : 0;
    }

    /**
     * Stores {@code v} converted as TensorFlow's cast does (truncation toward zero for integers, non-zero is true).
     *
     * @param array a primitive array
     * @param i the index
     * @param v the new value
     */
    public static void setDouble(Object array, int i, double v) {
        if (array instanceof float[] a) a[i] = (float) v;
        else if (array instanceof double[] a) a[i] = v;
        else if (array instanceof int[] a) a[i] = (int) v;
        else if (array instanceof long[] a) a[i] = (long) v;
        else if (array instanceof byte[] a) a[i] = (byte) (long) v;
        else ((boolean[]) array)[i] = v != 0;
    }

    /**
     * Sets element {@code i} of a primitive array from a long, converted to the array's type.
     *
     * @param array a primitive array
     * @param i the index
     * @param v the new value
     */
    public static void setLong(Object array, int i, long v) {
        if (array instanceof float[] a) a[i] = v;
        else if (array instanceof double[] a) a[i] = v;
        else if (array instanceof int[] a) a[i] = (int) v;
        else if (array instanceof long[] a) a[i] = v;
        else if (array instanceof byte[] a) a[i] = (byte) v;
        else ((boolean[]) array)[i] = v != 0;
    }

    /**
     * A new array holding {@code n} elements of {@code src} from {@code offset}, converted to {@code to}.
     *
     * @param src the source array
     * @param offset the index of the first element
     * @param n the number of elements
     * @param to the dtype to convert to
     * @return a new array holding {@code n} elements of {@code src} from {@code offset}, converted to {@code to}
     */
    public static Object convert(Object src, int offset, int n, DType to) {
        DType from = dtypeOf(src);
        Object out = allocate(to, n);
        if (from == to) {
            System.arraycopy(src, offset, out, 0, n);
        } else if (src instanceof byte[] bytes && out instanceof float[] floats) {
            for (int i = 0; i < n; i++) {
                floats[i] = bytes[offset + i] & 0xFF;
            }
        } else if (from.isFloating()) {
            for (int i = 0; i < n; i++) {
                setDouble(out, i, getDouble(src, offset + i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                setLong(out, i, getLong(src, offset + i));
            }
        }
        return out;
    }

    /**
     * {@code n} elements from {@code offset} as doubles (a copy).
     *
     * @param src the source array
     * @param offset the index of the first element
     * @param n the number of elements
     * @return {@code n} elements from {@code offset} as doubles (a copy)
     */
    public static double[] toDoubles(Object src, int offset, int n) {
        return (double[]) convert(src, offset, n, DType.FLOAT64);
    }

    /**
     * {@code n} elements from {@code offset} as longs (a copy).
     *
     * @param src the source array
     * @param offset the index of the first element
     * @param n the number of elements
     * @return {@code n} elements from {@code offset} as longs (a copy)
     */
    public static long[] toLongs(Object src, int offset, int n) {
        return (long[]) convert(src, offset, n, DType.INT64);
    }
}
