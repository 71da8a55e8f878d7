package dev.scratchnet.layers;

import dev.scratchnet.graph.Graph;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Initializers;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LayersTest {
    @Test
    void denseComputesActivationOfAffine() {
        Dense dense = new Dense("d", 3, 2, Ops::relu, Generator.fromSeed(1));
        Variable kernel = dense.variables().get(0), bias = dense.variables().get(1);
        assertEquals("d/kernel", kernel.name());
        kernel.assign(Tensor.of(new float[][] {{1, -1}, {2, 0}, {0, 1}}));
        bias.assign(Tensor.of(new float[] {0.5f, -10}));
        Tensor y = dense.apply(Tensor.of(new float[][] {{1, 1, 1}}), true);
        assertArrayEquals(new float[] {3.5f, 0}, y.toFloatArray());
    }

    @Test
    void sequentialChainsLayersAndCollectsVariables() {
        Generator random = Generator.fromSeed(2);
        Sequential model = new Sequential(Sequential.reshape(4, 4, 1), new Conv2D("c", 3, 1, 2, 1, Nn.Padding.SAME, Ops::relu, random),
                Sequential.maxPool(2), Sequential.flatten(), Sequential.dropout(0.5, random.split()), new Dense("d", 8, 3, x -> x, random));
        assertEquals(List.of("c/kernel", "c/bias", "d/kernel", "d/bias"), model.variables().stream().map(Variable::name).toList());
        Tensor x = Tensor.ones(5, 16);
        assertEquals(Shape.of(5, 3), model.apply(x, true).shape());
        assertArrayEquals(model.apply(x, false).toFloatArray(), model.apply(x, false).toFloatArray(), "no dropout outside training");
    }

    /** A convolution without activation and the pooling after it run as one op, with the two layers' values. */
    @Test
    void aConvolutionAndItsPoolingRunAsOneOp() {
        Conv2D conv = new Conv2D("c", 3, 1, 4, 1, Nn.Padding.SAME, Generator.fromSeed(2));
        Sequential model = new Sequential(Sequential.reshape(6, 6, 1), conv, Sequential.maxPool(2));
        Tensor x = Generator.fromSeed(3).uniform(new int[] {2, 36}, -1, 1, DType.FLOAT32);
        Graph graph = Graph.trace(model, x);
        assertEquals(List.of("reshape", "conv2dMaxPool"), graph.nodes().stream().map(Graph.Node::op).toList());
        Tensor twoLayers = Nn.maxPool2d(conv.apply(x.reshape(2, 6, 6, 1), false), 2, 2, Nn.Padding.VALID);
        assertArrayEquals(twoLayers.toFloatArray(), model.apply(x, false).toFloatArray());
        Sequential withActivation = new Sequential(Sequential.reshape(6, 6, 1),
                new Conv2D("r", 3, 1, 4, 1, Nn.Padding.SAME, Ops::relu, Generator.fromSeed(2)), Sequential.maxPool(2));
        assertEquals(List.of("reshape", "conv2d", "relu", "maxPool2d"), Graph.trace(withActivation, x).nodes().stream().map(Graph.Node::op).toList(),
                "an activation in between keeps the ops apart");
    }

    @Test
    void initializersHaveKerasScales() {
        Tensor g = Initializers.glorotUniform(Generator.fromSeed(3), 300, 100);
        double limit = Math.sqrt(6.0 / 400);
        assertTrue(Ops.max(g).item() <= limit && Ops.max(Ops.neg(g)).item() <= limit);
        assertEquals(limit * limit / 3, Ops.mean(Ops.square(g)).item(), limit * limit / 30, "variance of U(-l, l) is l²/3");
        Tensor he = Initializers.heNormal(Generator.fromSeed(4), 500, 200);
        assertEquals(2.0 / 500, Ops.mean(Ops.square(he)).item(), 2.0 / 500 / 10, "He normal keeps variance 2 / fanIn");
        Tensor conv = Initializers.heUniform(Generator.fromSeed(5), 3, 3, 16, 32);
        assertTrue(Ops.max(conv).item() <= Math.sqrt(6.0 / (9 * 16)), "a filter's fan-in counts the window");
        assertArrayEquals(Initializers.glorotNormal(Generator.fromSeed(6), 4, 4).toFloatArray(),
                Initializers.glorotNormal(Generator.fromSeed(6), 4, 4).toFloatArray(), "seeded");
    }
}
