package dev.scratchnet.tensor;

import java.util.Arrays;

/** The dimensions of a tensor, outermost first; immutable. A scalar has rank 0 and size 1. */
public final class Shape {
    /** The shape of a scalar: no axes. */
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        this.size = (int) n;
    }

    /**
     * A shape of the given dimensions, each 0 or more.
     *
     * @param dims the dimensions of the shape
     * @return a shape of the given dimensions, each 0 or more
     */
    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /**
     * The number of axes.
     *
     * @return the number of axes
     */
    public int rank() {
        return dims.length;
    }

    /**
     * The number of elements.
     *
     * @return the number of elements
     */
    public int size() {
        return size;
    }

    /**
     * Dimension {@code axis}; negative axes count from the end as in NumPy.
     *
     * @param axis the axis (negative counts from the end)
     * @return dimension {@code axis}
     */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    /**
     * The dimensions, a copy.
     *
     * @return the dimensions, a copy
     */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The axis in {@code [0, rank)} that {@code axis} names; negative axes count from the end.
     *
     * @param axis the axis (negative counts from the end)
     * @return the axis in {@code [0, rank)} that {@code axis} names
     */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return a;
    }

    /**
     * The number of elements in one slice along the first axis (the size of one row).
     *
     * @return the number of elements in one slice along the first axis
     */
    public int rowSize() {
        int n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /**
     * This shape with the first dimension replaced.
     *
     * @param first the new first dimension
     * @return the new shape
     */
    public Shape withFirst(int first) {
        int[] d = dims.clone();
        d[0] = first;
        return new Shape(d);
    }

    /**
     * The shape for {@code reshape}: {@code requested} may hold one -1, inferred from this shape's size.
     *
     * @throws IllegalArgumentException if the sizes do not match or more than one dimension is -1
     * @param requested the axes asked for
     * @return the shape for {@code reshape}
     */
    public Shape reshape(int... requested) {
        int[] d = requested.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Arrays.toString(requested));
                }
                inferred = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(requested));
            } else {
                known *= d[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + this + " (" + size + " elements) into " + Arrays.toString(requested));
            }
            d[inferred] = (int) (size / known);
        } else if (known != size) {
            throw new IllegalArgumentException("reshape: cannot reshape " + this + " (" + size + " elements) into " + Arrays.toString(requested));
        }
        return new Shape(d);
    }

    /**
     * The shape two operands broadcast to under NumPy's rules (align at the right, a dimension of 1 stretches),
     * or null if they do not broadcast.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the shape two operands broadcast to under NumPy's rules
     */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
