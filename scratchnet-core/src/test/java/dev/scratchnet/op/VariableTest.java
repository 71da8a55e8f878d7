package dev.scratchnet.op;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.optim.Adagrad;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.AdamW;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.optim.RMSprop;
import dev.scratchnet.optim.SGD;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** A tensor read from a variable never changes, whatever updates the variable afterwards. */
class VariableTest {
    static Stream<Supplier<Optimizer>> optimizers() {
        return Stream.of(() -> new Adam(0.1), () -> new AdamW(0.1, 0.01), () -> new SGD(0.1), () -> new SGD(0.1, 0.9, true),
                () -> new RMSprop(0.1), () -> new Adagrad(0.1));
    }

    private static List<Tensor> gradientsOfSquare(Variable w) {
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = Ops.sum(Ops.square(w));
            return tape.gradient(loss, List.of(w));
        }
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void everyOptimizerLeavesTensorsReadBeforeItsStepUnchanged(Supplier<Optimizer> make) {
        Variable w = new Variable(Tensor.of(new float[] {1, -2, 3}), "w");
        Optimizer optimizer = make.get();
        Tensor before = w.value();
        float[] expected = before.toFloatArray();
        for (int step = 0; step < 3; step++) {
            optimizer.applyGradients(gradientsOfSquare(w), List.of(w));
        }
        assertArrayEquals(expected, before.toFloatArray(), optimizer.getClass().getSimpleName() + " changed a tensor read before its step");
        assertFalse(java.util.Arrays.equals(expected, w.value().toFloatArray()), "the variable itself was updated");
    }

    @Test
    @SuppressWarnings("try") // the open step serves the ops inside it
    void insideATrainingStepAdamUpdatesInPlaceWithoutACopy() {
        Variable w = new Variable(Tensor.of(new float[] {1, -2, 3}), "w");
        Adam adam = new Adam(0.1);
        StepBuffers buffers = new StepBuffers();
        w.value(); // read outside a step: the first update copies once
        Object[] arrays = new Object[3];
        for (int step = 0; step < 3; step++) {
            try (StepBuffers.Step open = buffers.open()) {
                adam.applyGradients(gradientsOfSquare(w), List.of(w));
                arrays[step] = w.value().data();
            }
        }
        assertSame(arrays[0], arrays[1], "steps after the first update the same array");
        assertSame(arrays[1], arrays[2]);
    }

    @Test
    void assignInstallsACopyAndLeavesEarlierReadsAlone() {
        Variable v = new Variable(Tensor.of(new double[] {1, 2}), "v");
        Tensor before = v.value();
        double[] source = {5, 6};
        Tensor newValue = Tensor.of(source);
        v.assign(newValue).assignAdd(Tensor.of(new double[] {1, 1}));
        assertArrayEquals(new double[] {1, 2}, before.toDoubleArray());
        assertArrayEquals(new double[] {6, 7}, v.value().toDoubleArray());
        assertArrayEquals(new double[] {5, 6}, newValue.toDoubleArray());
    }
}
