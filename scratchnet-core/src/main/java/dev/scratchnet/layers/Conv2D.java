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
     * A convolution of square {@code size x size} filters, Glorot-uniform, with a zero bias per filter, and no
     * activation (Keras' default): in a {@link Sequential}, a max pooling right after it runs with it as one op,
     * {@link Nn#conv2dMaxPool}, when the stride is 1.
     *
     * @param name the name
     * @param size the window size
     * @param inChannels the input's channels
     * @param filters the number of filters
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @param random the seeded source of the initial values
     */
    public Conv2D(String name, int size, int inChannels, int filters, int stride, Nn.Padding padding, Generator random) {
        this(name, size, inChannels, filters, stride, padding, null, random);
    }

    /**
     * A convolution of square {@code size x size} filters, Glorot-uniform, with a zero bias per filter.
     *
     * @param name the name
     * @param size the window size
     * @param inChannels the input's channels
     * @param filters the number of filters
     * @param stride the step between windows
     * @param padding how windows meet the border
     * @param activation applied to the result, for example {@code Ops::relu}, or null for none
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
        Tensor y = Nn.conv2d(x, kernel, bias, stride, padding);
        return activation == null ? y : activation.apply(y);
    }

    /** Whether a max pooling after this layer can run with it as one op: stride 1 and no activation in between. */
    boolean poolsWithItsConvolution() {
        return stride == 1 && activation == null;
    }

    /** This layer followed by max pooling over {@code size x size} windows {@code size} apart, as one op. */
    Tensor applyPooled(Tensor x, int size) {
        return Nn.conv2dMaxPool(x, kernel, bias, padding, size);
    }

    @Override
    public List<Variable> variables() {
        return List.of(kernel, bias);
    }
}
