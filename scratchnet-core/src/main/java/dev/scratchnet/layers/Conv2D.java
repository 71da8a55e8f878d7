package dev.scratchnet.layers;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Initializers;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.util.List;
import java.util.function.UnaryOperator;

import static dev.scratchnet.tensor.DType.FLOAT32;

/** A 2-D convolution over NHWC images plus a bias per filter, then the activation, as Keras' Conv2D. */
public final class Conv2D implements Layer {
    private final Variable kernel;
    private final Variable bias;
    private final int stride;
    private final Nn.Padding padding;
    private final UnaryOperator<Tensor> activation;

    /**
     * A convolution of square {@code size x size} filters, Glorot-uniform, with a zero bias per filter.
     *
     * @param name the name
     * @param size the window size
     * @param inChannels the input's channels
     * @param filters the number of filters
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @param activation applied to the result, for example {@code Ops::relu} or {@code x -> x}
     * @param random the seeded source of the initial values
     */
    public Conv2D(String name, int size, int inChannels, int filters, int stride, Nn.Padding padding, UnaryOperator<Tensor> activation,
                  Generator random) {
        this.kernel = new Variable(Initializers.glorotUniform(random, size, size, inChannels, filters), name + "/kernel");
        this.bias = new Variable(Tensor.zeros(filters), name + "/bias");
        this.stride = stride;
        this.padding = padding;
        this.activation = activation;
    }

    @Override
    public Tensor apply(Tensor x, boolean training) {
        return activation.apply(Nn.conv2d(x, kernel, bias, stride, padding));
    }

    @Override
    public List<Variable> variables() {
        return List.of(kernel, bias);
    }
}
