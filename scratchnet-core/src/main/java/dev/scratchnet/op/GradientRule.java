package dev.scratchnet.op;

/**
 * How an op passes a gradient back to its inputs: given the gradient {@code dy} of the target with respect to
 * the op's output, returns the gradient with respect to each input, or null where {@code needed[i]} is false.
 * Rules are written with the public ops, so an outer tape can differentiate through them again.
 * A returned gradient may have a broadcast shape; the tape sums it back to the input's shape.
 */
@FunctionalInterface
public interface GradientRule {
    /**
     * The gradients of the op's inputs from the gradient of its output.
     *
     * @param dy the gradient of the output
     * @param inputs the inputs
     * @param output the op's output
     * @param needed which inputs need a gradient
     * @return the gradients of the op's inputs from the gradient of its output
     */
    Tensor[] apply(Tensor dy, Tensor[] inputs, Tensor output, boolean[] needed);
}
