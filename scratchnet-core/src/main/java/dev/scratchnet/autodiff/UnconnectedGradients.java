package dev.scratchnet.autodiff;

/** What {@link GradientTape#gradient} returns for a source the target does not depend on, as in TensorFlow. */
public enum UnconnectedGradients {
    /** null. */
    NONE,
    /** Zeros of the source's shape and dtype. */
    ZERO
}
