package dev.scratchnet.layers;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Initializers;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.util.List;
import java.util.function.UnaryOperator;

import static dev.scratchnet.op.Ops.matmul;
import static dev.scratchnet.tensor.DType.FLOAT32;

/** {@code activation(x · kernel + bias)}, the kernel Glorot-uniform and the bias zero, as Keras' Dense. */
public final class Dense implements Layer {
    private final Variable kernel;
    private final Variable bias;
    private final UnaryOperator<Tensor> activation;

    /**
     * A dense layer with a Glorot-uniform kernel and a zero bias.
     *
     * @param name the name
     * @param inputs the inputs
     * @param units the number of outputs
     * @param activation applied to the result, for example {@code Ops::relu} or {@code x -> x}
     * @param random the seeded source of the initial values
     */
    public Dense(String name, int inputs, int units, UnaryOperator<Tensor> activation, Generator random) {
        this.kernel = new Variable(Initializers.glorotUniform(random, inputs, units), name + "/kernel");
        this.bias = new Variable(Tensor.zeros(units), name + "/bias");
        this.activation = activation;
    }

    @Override
    public Tensor apply(Tensor x, boolean training) {
        return activation.apply(matmul(x, kernel).add(bias));
    }

    @Override
    public List<Variable> variables() {
        return List.of(kernel, bias);
    }
}
