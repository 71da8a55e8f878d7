package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DatasetTest {
    private static final Tensor X = Tensor.range(0, 20, 1, DType.FLOAT32).reshape(10, 2);
    private static final Tensor Y = Tensor.range(0, 10, 1, DType.INT64);

    private static List<Long> labels(Iterable<List<Tensor>> data) {
        List<Long> out = new ArrayList<>();
        for (List<Tensor> element : data) {
            for (long v : element.get(1).toLongArray()) {
                out.add(v);
            }
        }
        return out;
    }

    @Test
    void slicesAndBatches() {
        List<List<Tensor>> elements = new ArrayList<>();
        Dataset.fromTensorSlices(X, Y).forEach(elements::add);
        assertEquals(10, elements.size());
        assertEquals(Shape.of(2), elements.get(3).get(0).shape());
        assertArrayEquals(new float[] {6, 7}, elements.get(3).get(0).toFloatArray());
        assertEquals(Shape.SCALAR, elements.get(3).get(1).shape());
        List<Shape> shapes = new ArrayList<>();
        for (List<Tensor> b : Dataset.fromTensorSlices(X, Y).batch(4)) {
            shapes.add(b.get(0).shape());
        }
        assertEquals(List.of(Shape.of(4, 2), Shape.of(4, 2), Shape.of(2, 2)), shapes, "the last batch is smaller");
        assertEquals(2, labels(Dataset.fromTensorSlices(X, Y).batch(4, true)).size() / 4, "or dropped");
        assertThrows(IllegalArgumentException.class, () -> Dataset.fromTensorSlices(X, Tensor.zeros(3)));
    }

    @Test
    void shufflingIsSeededAndNewEachPass() {
        Dataset shuffled = Dataset.fromTensorSlices(X, Y).shuffle(10, 42).batch(3);
        List<Long> first = labels(shuffled), second = labels(shuffled);
        assertEquals(Set.copyOf(labels(Dataset.fromTensorSlices(X, Y))), new HashSet<>(first), "a permutation");
        assertEquals(10, first.size());
        assertNotEquals(first, second, "each pass is shuffled anew");
        Dataset again = Dataset.fromTensorSlices(X, Y).shuffle(10, 42).batch(3);
        assertEquals(first, labels(again), "the same seed gives the same orders");
        assertEquals(second, labels(again));
        assertNotEquals(first, labels(Dataset.fromTensorSlices(X, Y).shuffle(10, 43).batch(3)));
        for (List<Tensor> batch : shuffled) {
            float[] x = batch.get(0).toFloatArray();
            long[] y = batch.get(1).toLongArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(2 * y[i], x[2 * i], "images stay with their labels");
            }
        }
    }

    @Test
    void mapTakeSkipRepeatPrefetch() {
        Dataset doubled = Dataset.fromTensorSlices(X, Y).map(e -> List.of(e.get(0), e.get(1).mul(2)));
        assertEquals(List.of(0L, 2L, 4L), labels(doubled.take(3)));
        assertEquals(List.of(16L, 18L), labels(doubled.skip(8)));
        assertEquals(30, labels(Dataset.fromTensorSlices(X, Y).repeat(3)).size());
        assertEquals(25, labels(Dataset.fromTensorSlices(X, Y).repeat(-1).take(25)).size());
        List<Long> shuffledTwice = labels(Dataset.fromTensorSlices(X, Y).shuffle(10, 1).repeat(2));
        assertNotEquals(shuffledTwice.subList(0, 10), shuffledTwice.subList(10, 20), "each repetition is shuffled anew");
        assertEquals(labels(Dataset.fromTensorSlices(X, Y).batch(4)), labels(Dataset.fromTensorSlices(X, Y).batch(4).prefetch(2)));
        Dataset failing = Dataset.fromTensorSlices(X, Y).map(e -> {
            throw new IllegalStateException("bad element");
        }).prefetch(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> labels(failing));
        assertEquals("bad element", e.getMessage(), "an error in the background thread reaches the reader");
    }
}
