package dev.scratchnet.op;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchnet.op.Ops.*;
import static org.junit.jupiter.api.Assertions.*;

/** A step's outputs land in the previous step's arrays, only while a step is open, and change no result. */
@SuppressWarnings("try") // a step serves the ops inside its block, which never name it
class StepBuffersTest {
    private final Tensor x = Generator.fromSeed(1).normal(new int[] {32, 64}, 0, 1);

    @Test
    void aStepTakesTheArraysOfThePreviousStepsOutputs() {
        StepBuffers buffers = new StepBuffers();
        Object first, second;
        try (StepBuffers.Step step = buffers.open()) {
            first = relu(x).data();
        }
        Tensor again;
        try (StepBuffers.Step step = buffers.open()) {
            again = relu(x);
            second = again.data();
            assertNotSame(second, relu(x).data(), "two outputs of one step never share an array");
        }
        assertSame(first, second);
        float[] in = x.toFloatArray(), out = again.toFloatArray();
        for (int i = 0; i < in.length; i++) {
            assertEquals(Math.max(0f, in[i]), out[i]);
        }
    }

    @Test
    void aStepOfAnotherShapeInBetweenKeepsTheUsualArraysForOneStepMore() {
        Tensor shorter = x.slice(0, 16);
        StepBuffers buffers = new StepBuffers();
        Object usual;
        try (StepBuffers.Step step = buffers.open()) {
            usual = relu(x).data();
        }
        try (StepBuffers.Step step = buffers.open()) {
            relu(shorter);
        }
        try (StepBuffers.Step step = buffers.open()) {
            assertSame(usual, relu(x).data(), "kept through one step of another shape, like an epoch's short last batch");
        }
        for (int i = 0; i < 2; i++) {
            try (StepBuffers.Step step = buffers.open()) {
                relu(shorter);
            }
        }
        try (StepBuffers.Step step = buffers.open()) {
            assertNotSame(usual, relu(x).data(), "left to the collector after two steps without it");
        }
    }

    @Test
    void outsideAStepEveryOutputIsFresh() {
        StepBuffers buffers = new StepBuffers();
        Object inStep;
        try (StepBuffers.Step step = buffers.open()) {
            inStep = relu(x).data();
        }
        Object after = relu(x).data();
        assertNotSame(inStep, after);
        assertNotSame(after, relu(x).data());
    }

    @Test
    void oneStepIsOpenAtATime() {
        StepBuffers buffers = new StepBuffers(), other = new StepBuffers();
        try (StepBuffers.Step step = buffers.open()) {
            assertThrows(IllegalStateException.class, buffers::open);
            assertThrows(IllegalStateException.class, other::open, "a thread has one open step");
        }
        try (StepBuffers.Step step = other.open()) {
            assertNotNull(step);
        }
    }

    @Test
    void closingAStepTwiceLeavesTheNextStepOpen() {
        StepBuffers buffers = new StepBuffers();
        StepBuffers.Step first = buffers.open();
        relu(x);
        first.close();
        try (StepBuffers.Step second = buffers.open()) {
            Object inUse = relu(x).data();
            first.close();
            assertThrows(IllegalStateException.class, buffers::open, "the second step is still open");
            assertNotSame(inUse, relu(x).data());
        }
    }

    @Test
    void trainingWithStepBuffersGivesTheSameBits() {
        List<float[]> fresh = train(false), reused = train(true);
        for (int i = 0; i < fresh.size(); i++) {
            assertArrayEquals(fresh.get(i), reused.get(i), "variable " + i);
        }
    }

    /** Five Adam steps of a two-layer network, the fourth on a smaller batch as an epoch's last may be; the final weights. */
    private static List<float[]> train(boolean reuse) {
        Generator random = Generator.fromSeed(3);
        Variable w1 = new Variable(random.normal(new int[] {30, 64}, 0, 0.3), "w1");
        Variable b1 = new Variable(Tensor.zeros(64), "b1");
        Variable w2 = new Variable(random.normal(new int[] {64, 10}, 0, 0.3), "w2");
        Tensor images = random.normal(new int[] {48, 30}, 0, 1);
        long[] ids = new long[48];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 10;
        }
        Tensor labels = Tensor.of(ids, 48);
        Adam adam = new Adam(0.01);
        List<Variable> params = List.of(w1, b1, w2);
        StepBuffers buffers = new StepBuffers();
        for (int step = 0; step < 5; step++) {
            int from = step == 3 ? 32 : 0, to = step == 3 ? 48 : 32;
            StepBuffers.Step open = reuse ? buffers.open() : null;
            try (GradientTape tape = new GradientTape()) {
                Tensor logits = matmul(relu(matmul(images.slice(from, to), w1).add(b1)), w2);
                adam.applyGradients(tape.gradient(mean(sparseSoftmaxCrossEntropyWithLogits(logits, labels.slice(from, to))), params), params);
            } finally {
                if (open != null) {
                    open.close();
                }
            }
        }
        return List.of(w1.value().toFloatArray(), b1.value().toFloatArray(), w2.value().toFloatArray());
    }
}
