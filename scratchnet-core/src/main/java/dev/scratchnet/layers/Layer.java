package dev.scratchnet.layers;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.util.List;

/**
 * A piece of a model: a function of a batch that may hold variables, like a Keras layer. Built only from the ops;
 * the low-level style (variables and ops by hand, as in the chapter) stays first-class.
 */
public interface Layer {
    /** The layer's output; {@code training} switches dropout on. */
    Tensor apply(Tensor x, boolean training);

    /** The trainable variables, in a fixed order. */
    default List<Variable> variables() {
        return List.of();
    }
}
