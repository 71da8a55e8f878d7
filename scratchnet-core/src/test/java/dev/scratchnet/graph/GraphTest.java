package dev.scratchnet.graph;

import dev.scratchnet.autodiff.GradientCheck;
import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.models.Models;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A traced graph runs again, on any batch size, as the eager code does, to the bit, and differentiates the same. */
class GraphTest {
    private final Generator random = Generator.fromSeed(5);

    private Tensor images(int n) {
        return random.uniform(new int[] {n, 784}, 0, 1, DType.FLOAT32);
    }

    @Test
    void everyModelRunsAgainOnAnotherBatchToTheBit() {
        for (Models.Kind kind : Models.Kind.values()) {
            Layer model = Models.build(kind, 784, 32, 10, 0.5, Generator.fromSeed(kind.ordinal()));
            Graph graph = Graph.trace(model, images(16));
            for (int batch : new int[] {16, 3, 41}) {
                Tensor x = images(batch);
                assertArrayEquals(model.apply(x, false).toFloatArray(), graph.run(x).toFloatArray(), kind + ", batch " + batch);
            }
            assertEquals(model.variables().size(), graph.parameters().size(), kind + " reads every variable");
        }
    }

    @Test
    void aTapeDifferentiatesThroughTheGraphAsThroughTheEagerCode() {
        Layer model = Models.build(Models.Kind.cnn, 784, 16, 10, 0, Generator.fromSeed(9));
        Graph graph = Graph.trace(model, images(4));
        Tensor x = images(6);
        Tensor labels = Tensor.of(new long[] {1, 2, 3, 4, 5, 6});
        List<Variable> params = model.variables();
        List<Tensor> eager, traced;
        try (GradientTape tape = new GradientTape()) {
            eager = tape.gradient(Ops.mean(Ops.sparseSoftmaxCrossEntropyWithLogits(model.apply(x, false), labels)), params);
        }
        try (GradientTape tape = new GradientTape()) {
            traced = tape.gradient(Ops.mean(Ops.sparseSoftmaxCrossEntropyWithLogits(graph.run(x), labels)), params);
        }
        for (int i = 0; i < params.size(); i++) {
            assertArrayEquals(eager.get(i).toFloatArray(), traced.get(i).toFloatArray(), params.get(i).name());
        }
        GradientCheck.assertGradients(v -> {
            Graph g = Graph.trace(in -> Ops.tanh(Ops.matmul(in.get(0), in.get(1))).pow(2).sum(), List.of(v.get(0), v.get(1)));
            return g.run(List.of(v.get(0), v.get(1)));
        }, List.of(random.uniform(new int[] {3, 4}, -1, 1, DType.FLOAT64), random.uniform(new int[] {4, 2}, -1, 1, DType.FLOAT64)), 1e-6);
    }

    @Test
    void controlFlowIsUnrolledAndConstantsAreKept() {
        Tensor positive = Tensor.of(new float[] {1, 2}, 1, 2), negative = Tensor.of(new float[] {-1, -2}, 1, 2);
        Graph graph = Graph.trace(in -> in.get(0).sum().item() > 0 ? in.get(0).mul(2) : in.get(0).neg(), List.of(positive));
        assertArrayEquals(new float[] {-2, -4}, graph.run(negative).toFloatArray(), "the branch taken when traced, whatever the input");
        Graph.Node last = graph.nodes().get(graph.nodes().size() - 1);
        assertEquals("mul", last.op(), "the condition's sum is traced too, then the branch");
        assertEquals(Graph.Kind.CONSTANT, last.inputs().get(1).kind(), "the 2 is a constant of the graph");
    }

    @Test
    void pixelsAsBytesAreConvertedInTheGraph() {
        Tensor bytes = random.uniform(new int[] {5, 784}, 0, 255, DType.FLOAT32).cast(DType.UINT8);
        Layer model = Models.build(Models.Kind.chapter, 784, 8, 10, 0, Generator.fromSeed(2));
        Graph graph = Graph.trace(in -> model.apply(in.get(0).div(255.0), false), List.of(bytes));
        Tensor other = random.uniform(new int[] {9, 784}, 0, 255, DType.FLOAT32).cast(DType.UINT8);
        assertArrayEquals(model.apply(other.div(255.0), false).toFloatArray(), graph.run(other).toFloatArray());
    }

    @Test
    void theGraphPrintsNodeByNode() {
        Layer model = Models.build(Models.Kind.chapter, 784, 8, 10, 0, Generator.fromSeed(2));
        String text = Graph.trace(model, images(2)).toString();
        assertTrue(text.startsWith("graph(%0: float32[N, 784])"), text);
        assertTrue(text.contains("= matmul(%0, W1) {transposeA=false, transposeB=false} : float32[N, 8]"), text);
        assertTrue(text.contains("= relu(%"), text);
        assertTrue(text.contains("\n  return %"), text);
    }
}
