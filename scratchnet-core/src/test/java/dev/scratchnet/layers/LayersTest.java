package dev.scratchnet.layers;

import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Initializers;
import dev.scratchnet.op.Nn;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
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
