package dev.scratchnet.layers;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied one after another, and the small parameterless ones (pooling, ReLU, flattening, dropout, reshaping).
 * A {@link Conv2D} without activation followed by {@link #maxPool} runs as one op, {@link Nn#conv2dMaxPool}: the same
 * values and gradients, without the convolution's full-size output in between where its kernels can avoid it.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    /**
     * The layers, applied in the order given.
     *
     * @param layers the layers
     */
    public Sequential(Layer... layers) {
        this.layers = List.of(layers);
    }

    @Override
    public Tensor apply(Tensor x, boolean training) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2D conv && conv.poolsWithItsConvolution() && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof MaxPool pool) {
                y = conv.applyPooled(y, pool.size());
                i++;
            } else {
                y = layers.get(i).apply(y, training);
            }
        }
        return y;
    }

    @Override
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.variables());
        }
        return all;
    }

    /**
     * Max pooling over {@code size x size} windows, {@code size} apart.
     *
     * @param size the window size
     * @return max pooling over {@code size x size} windows, {@code size} apart
     */
    public static Layer maxPool(int size) {
        return new MaxPool(size);
    }

    private record MaxPool(int size) implements Layer {
        @Override
        public Tensor apply(Tensor x, boolean training) {
            return Nn.maxPool2d(x, size, size, Nn.Padding.VALID);
        }
    }

    /**
     * ReLU as a layer of its own.
     *
     * @return a layer that applies ReLU
     */
    public static Layer relu() {
        return (x, training) -> Ops.relu(x);
    }

    /**
     * [n, ...] to [n, rest].
     *
     * @return a layer that flattens each example
     */
    public static Layer flatten() {
        return (x, training) -> Nn.flatten(x);
    }

    /**
     * Each row reshaped to {@code dims} (the batch dimension kept).
     *
     * @param dims the dimensions of the shape
     * @return each row reshaped to {@code dims} (the batch dimension kept)
     */
    public static Layer reshape(int... dims) {
        return (x, training) -> {
            int[] all = new int[dims.length + 1];
            all[0] = x.dim(0);
            System.arraycopy(dims, 0, all, 1, dims.length);
            return x.reshape(all);
        };
    }

    /**
     * Dropout with {@code rate} during training, drawing from {@code random}.
     *
     * @param rate the fraction of elements dropped
     * @param random the seeded source of the initial values
     * @return dropout with {@code rate} during training, drawing from {@code random}
     */
    public static Layer dropout(double rate, Generator random) {
        return (x, training) -> Nn.dropout(x, rate, random, training);
    }
}
