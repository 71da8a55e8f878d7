package dev.scratchnet.models;

import dev.scratchnet.layers.Conv2D;
import dev.scratchnet.layers.Dense;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.layers.Sequential;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Ops;

/**
 * The models of the examples, by name: the chapter's network, an MLP with dropout, and a small CNN (two 3x3
 * convolutions of 32 and 64 filters, each followed by 2x2 max pooling, then a hidden dense layer).
 */
public final class Models {
    private Models() {
    }

    /** The networks the examples and the tool know by name. */
    public enum Kind {
        /** The chapter's network: inputs, a ReLU hidden layer, the output layer. */
        chapter,
        /** Two dense layers with dropout between them. */
        mlp,
        /** Two 3x3 convolutions with 2x2 max pooling, then two dense layers. */
        cnn
    }

    /**
     * The number of values the variables of {@code kind} hold at these sizes, computed without building it (so that
     * sizes read from a file can be checked before anything is allocated).
     *
     * @param kind    the architecture
     * @param inputs  inputs per example
     * @param hidden  the hidden layer's width
     * @param classes the number of classes
     * @return the parameter count
     */
    public static long parameterCount(Kind kind, long inputs, long hidden, long classes) {
        long head = hidden + hidden * classes + classes;
        return switch (kind) {
            case chapter, mlp -> inputs * hidden + head;
            case cnn -> 9 * 32 + 32 + 9 * 32 * 64 + 64 + inputs / 16 * 64 * hidden + head;
        };
    }

    /**
     * A fresh model for {@code inputs} pixels (a square image for the CNN) and {@code classes} classes.
     * {@code hidden} is the hidden layer's width, {@code dropout} the MLP's and CNN's dropout rate.
     *
     * @param kind the architecture
     * @param inputs the inputs
     * @param hidden the hidden layer's width
     * @param classes the number of classes
     * @param dropout the dropout rate, in [0, 1)
     * @param random the seeded source of the initial values
     * @return a fresh model for {@code inputs} pixels
     */
    public static Layer build(Kind kind, int inputs, int hidden, int classes, double dropout, Generator random) {
        return switch (kind) {
            case chapter -> new Chapter14(inputs, hidden, classes, random);
            case mlp -> new Sequential(
                    new Dense("dense1", inputs, hidden, Ops::relu, random),
                    Sequential.dropout(dropout, random.split()),
                    new Dense("dense2", hidden, classes, x -> x, random));
            case cnn -> {
                int side = (int) Math.round(Math.sqrt(inputs));
                if (side * side != inputs || side % 4 != 0) {
                    throw new IllegalArgumentException("cnn: needs square images with a side divisible by 4, got " + inputs + " pixels");
                }
                // Each ReLU comes after its pooling rather than before: the same values and gradients, since ReLU keeps
                // the order of values (a window's maximum is the same cell), on a quarter of the elements.
                yield new Sequential(
                        Sequential.reshape(side, side, 1),
                        new Conv2D("conv1", 3, 1, 32, 1, Nn.Padding.SAME, random),
                        Sequential.maxPool(2),
                        Sequential.relu(),
                        new Conv2D("conv2", 3, 32, 64, 1, Nn.Padding.SAME, random),
                        Sequential.maxPool(2),
                        Sequential.relu(),
                        Sequential.flatten(),
                        Sequential.dropout(dropout, random.split()),
                        new Dense("dense1", side / 4 * side / 4 * 64, hidden, Ops::relu, random),
                        Sequential.dropout(dropout, random.split()),
                        new Dense("dense2", hidden, classes, x -> x, random));
            }
        };
    }
}
