package dev.scratchnet.tensor;

/**
 * The element types a tensor can hold, named as in TensorFlow and NumPy.
 * Floating types carry gradients; integer and bool types never do.
 */
public enum DType {
    FLOAT32("float32", 4, true),
    FLOAT64("float64", 8, true),
    INT32("int32", 4, false),
    INT64("int64", 8, false),
    UINT8("uint8", 1, false),
    BOOL("bool", 1, false);

    private final String displayName;
    private final int byteSize;
    private final boolean floating;

    DType(String displayName, int byteSize, boolean floating) {
        this.displayName = displayName;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public boolean isFloating() {
        return floating;
    }

    /** @return the smallest value this dtype holds (negative infinity for floating point) */
    public double min() {
        return switch (this) {
            case FLOAT32, FLOAT64 -> Double.NEGATIVE_INFINITY;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            case UINT8, BOOL -> 0;
        };
    }

    /** @return the largest value this dtype holds (positive infinity for floating point) */
    public double max() {
        return switch (this) {
            case FLOAT32, FLOAT64 -> Double.POSITIVE_INFINITY;
            case INT32 -> Integer.MAX_VALUE;
            case INT64 -> Long.MAX_VALUE;
            case UINT8 -> 255;
            case BOOL -> 1;
        };
    }

    public int byteSize() {
        return byteSize;
    }

    /** The dtype named like {@code "float32"} or {@code "int64"}. */
    public static DType fromName(String name) {
        for (DType t : values()) {
            if (t.displayName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'");
    }

    @Override
    public String toString() {
        return displayName;
    }
}
