package dev.scratchnet.kernel;

/** A function of one float, the float32 twin of {@link java.util.function.DoubleUnaryOperator}. */
@FunctionalInterface
public interface FloatUnaryOperator {
    float applyAsFloat(float x);
}
