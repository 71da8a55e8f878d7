package dev.scratchnet.tensor;

/**
 * The element types a tensor can hold, named as in TensorFlow and NumPy.
 * Floating types carry gradients; integer and bool types never do.
 */
public enum DType {
    /** 32-bit IEEE floating point: the default for weights and activations. */
    FLOAT32("float32", 4, true),
    /** 64-bit IEEE floating point, for gradient checks and where precision matters more than speed. */
    FLOAT64("float64", 8, true),
    /** 32-bit signed integers. */
    INT32("int32", 4, false),
    /** 64-bit signed integers: labels and indices, as in TensorFlow. */
    INT64("int64", 8, false),
    /** Unsigned bytes, 0 to 255: raw pixels. */
    UINT8("uint8", 1, false),
    /** Booleans, one byte each. */
    BOOL("bool", 1, false);

    private final String displayName;
    private final int byteSize;
    private final boolean floating;

    DType(String displayName, int byteSize, boolean floating) {
        this.displayName = displayName;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /**
     * Whether values of this dtype are floating point (and so can carry gradients).
     *
     * @return whether values of this dtype are floating point
     */
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

    /**
     * The bytes one value takes.
     *
     * @return the bytes one value takes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The dtype named like {@code "float32"} or {@code "int64"}.
     *
     * @param name the name
     * @return the dtype named like {@code "float32"} or {@code "int64"}
     */
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
