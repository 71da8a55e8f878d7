package dev.scratchnet.models;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.scratchnet.op.Ops.*;
import static dev.scratchnet.tensor.DType.FLOAT32;
import static dev.scratchnet.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chapter's steps written out against the API, on small synthetic data sets. */
class ChapterStyleTest {
    /** Points around 10 random centres in 20 dimensions, labelled by their centre. */
    private static Tensor[] blobs(int n, long seed) {
        Generator random = Generator.fromSeed(seed);
        Tensor centres = Generator.fromSeed(99).normal(new int[] {10, 20}, 0, 1);
        Tensor labels = cast(Generator.fromSeed(seed + 1).uniform(new int[] {n}, 0, 10), INT64);
        Tensor x = gather(centres, labels, 0).add(random.normal(new int[] {n, 20}, 0, 0.3));
        return new Tensor[] {x, labels};
    }

    @Test
    void theChaptersProgramTrainsOnSyntheticData() {
        Tensor[] train = blobs(2000, 1), test = blobs(500, 2);
        Tensor xTrain = train[0], yTrain = train[1], xTest = test[0], yTest = test[1];

        Generator random = Generator.fromSeed(42);
        Variable W1 = new Variable(random.normal(new int[] {20, 32}, 0, 0.1));
        Variable b1 = new Variable(Tensor.zeros(32));
        Variable W2 = new Variable(random.normal(new int[] {32, 10}, 0, 0.1));
        Variable b2 = new Variable(Tensor.zeros(10));
        List<Variable> params = List.of(W1, b1, W2, b2);

        java.util.function.Function<Tensor, Tensor> forwardPass = x -> {
            Tensor hidden = relu(matmul(x, W1).add(b1));
            return matmul(hidden, W2).add(b2);
        };

        Adam optimizer = new Adam(0.001);
        List<Double> accuracies = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < xTrain.dim(0); i += 64) {
                Tensor xBatch = xTrain.slice(i, i + 64);
                Tensor yBatch = yTrain.slice(i, i + 64);
                try (GradientTape tape = new GradientTape()) {
                    Tensor logits = forwardPass.apply(xBatch);
                    Tensor loss = mean(sparseSoftmaxCrossEntropyWithLogits(logits, yBatch));
                    List<Tensor> gradients = tape.gradient(loss, params);
                    optimizer.applyGradients(gradients, params);
                }
            }
            Tensor preds = argmax(forwardPass.apply(xTest), 1, INT64);
            accuracies.add(mean(cast(equal(preds, yTest), FLOAT32)).item());
        }
        assertTrue(accuracies.get(2) >= 0.95, "test accuracy " + accuracies);
        assertTrue(accuracies.get(2) >= accuracies.get(0), "accuracy improves: " + accuracies);
    }

    @Test
    void aTwoLayerNetworkLearnsXor() {
        Tensor x = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(new long[] {0, 1, 1, 0});
        Generator random = Generator.fromSeed(3);
        Variable w1 = new Variable(random.normal(new int[] {2, 8}, 0, 1));
        Variable c1 = new Variable(Tensor.zeros(8));
        Variable w2 = new Variable(random.normal(new int[] {8, 2}, 0, 1));
        Variable c2 = new Variable(Tensor.zeros(2));
        List<Variable> params = List.of(w1, c1, w2, c2);
        Adam adam = new Adam(0.05);
        for (int step = 0; step < 300; step++) {
            try (GradientTape tape = new GradientTape()) {
                Tensor logits = matmul(tanh(matmul(x, w1).add(c1)), w2).add(c2);
                adam.applyGradients(tape.gradient(mean(sparseSoftmaxCrossEntropyWithLogits(logits, y)), params), params);
            }
        }
        Tensor preds = argmax(matmul(tanh(matmul(x, w1).add(c1)), w2).add(c2), 1);
        assertEquals(1.0, mean(cast(equal(preds, y), FLOAT32)).item(), "XOR learned: " + preds);
    }

    @Test
    void theExampleClassTrainsToo() {
        Tensor[] train = blobs(1000, 5), test = blobs(300, 6);
        Chapter14 model = new Chapter14(20, 16, 10, Generator.fromSeed(1));
        List<Trainer.Epoch> epochs = new ArrayList<>();
        model.train(train[0], train[1], test[0], test[1], new Adam(0.01), 2, 32, epochs::add);
        assertEquals(2, epochs.size());
        assertTrue(epochs.get(1).testAccuracy() >= 0.95, epochs.toString());
        assertTrue(epochs.get(1).toString().matches("Epoch 2, Test Accuracy: \\d\\.\\d{4}"), epochs.get(1).toString());
    }
}
