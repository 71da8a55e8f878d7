package dev.scratchnet.kernel;

/** A function of two floats, the float32 twin of {@link java.util.function.DoubleBinaryOperator}. */
@FunctionalInterface
public interface FloatBinaryOperator {
    float applyAsFloat(float a, float b);
}
