package dev.scratchnet.tensor;

/**
 * Prints the values of a dense array NumPy-style: nested brackets, and for arrays of more than a thousand
 * elements only the first and last three entries along each axis, with "..." between.
 */
public final class ArrayFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private ArrayFormat() {
    }

    /**
     * The values as nested brackets, NumPy style, eliding the middle of long axes.
     *
     * @param array a primitive array
     * @param offset the index of the first element in {@code array}
     * @param shape the shape
     * @return the values as nested brackets, NumPy style, eliding the middle of long axes
     */
    public static String format(Object array, int offset, Shape shape) {
        StringBuilder sb = new StringBuilder();
        int[] dims = shape.dims();
        int[] strides = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        append(sb, array, offset, dims, strides, 0, shape.size() > THRESHOLD);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object array, int offset, int[] dims, int[] strides, int axis, boolean abbreviate) {
        if (axis == dims.length) {
            sb.append(element(array, offset));
            return;
        }
        sb.append('[');
        int n = dims[axis];
        for (int i = 0; i < n; i++) {
            if (abbreviate && n > 2 * EDGE && i == EDGE) {
                sb.append("...");
                i = n - EDGE - 1;
                sb.append(separator(dims.length - axis, axis));
                continue;
            }
            append(sb, array, offset + i * strides[axis], dims, strides, axis + 1, abbreviate);
            if (i < n - 1) {
                sb.append(separator(dims.length - axis, axis));
            }
        }
        sb.append(']');
    }

    private static String separator(int depthBelow, int axis) {
        return depthBelow == 1 ? ", " : ",\n" + " ".repeat(axis + 1);
    }

    private static String element(Object array, int i) {
        if (array instanceof float[] a) return Float.toString(a[i]);
        if (array instanceof double[] a) return Double.toString(a[i]);
        if (array instanceof boolean[] a) return Boolean.toString(a[i]);
        return Long.toString(Storage.getLong(array, i));
    }
}
