package dev.scratchnet.layers;

import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A piece of a model: a function of a batch that may hold variables, like a Keras layer. Built only from the ops;
 * the low-level style (variables and ops by hand, as in the chapter) stays first-class.
 */
public interface Layer {
    /**
     * The layer's output; {@code training} switches dropout on.
     *
     * @param x the input
     * @param training whether the model is training (dropout on)
     * @return the layer's output; {@code training} switches dropout on
     */
    Tensor apply(Tensor x, boolean training);

    /**
     * The trainable variables, in a fixed order.
     *
     * @return the trainable variables, in a fixed order
     */
    default List<Variable> variables() {
        return List.of();
    }

    /**
     * Writes the variables' values under their names, like Keras' {@code save_weights}.
     *
     * @param file a {@code .safetensors} or {@code .npz} path, written whole or not at all
     * @throws IOException when the file cannot be written
     */
    default void saveWeights(Path file) throws IOException {
        Checkpoint.of(variables()).save(file);
    }

    /**
     * Reads the variables' values by name from a checkpoint, like Keras' {@code load_weights}.
     *
     * @param file a checkpoint holding a tensor of the right shape for every variable
     * @throws IOException when the file cannot be read or does not fit the layer
     */
    default void loadWeights(Path file) throws IOException {
        Checkpoint.load(file).restore(variables(), file);
    }
}
