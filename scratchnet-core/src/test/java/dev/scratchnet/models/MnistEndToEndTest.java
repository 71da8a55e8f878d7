package dev.scratchnet.models;

import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.optim.Adam;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.scratchnet.tensor.DType.FLOAT32;
import static dev.scratchnet.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chapter's recipe on the real MNIST, fetched through the same code users run. */
@Tag("e2e")
class MnistEndToEndTest {
    @Test
    void fiveEpochsReachTheChaptersAccuracy() throws Exception {
        IdxDataset mnist = Mnist.loadData();
        assertEquals(60000, mnist.xTrain().dim(0));
        assertEquals(10000, mnist.xTest().dim(0));
        Tensor xTrain = mnist.xTrain().div(255.0).reshape(-1, 784).cast(FLOAT32);
        Tensor xTest = mnist.xTest().div(255.0).reshape(-1, 784).cast(FLOAT32);
        Tensor yTrain = mnist.yTrain().cast(INT64);
        Tensor yTest = mnist.yTest().cast(INT64);

        Chapter14 model = new Chapter14(784, 128, 10, Generator.fromSeed(42));
        List<Trainer.Epoch> epochs = new ArrayList<>();
        model.train(xTrain, yTrain, xTest, yTest, new Adam(0.001), 5, 64, e -> {
            System.out.println(e + "  (loss " + e.trainLoss() + ", " + e.seconds() + " s)");
            epochs.add(e);
        });
        assertEquals(5, epochs.size());
        assertTrue(epochs.get(4).testAccuracy() >= 0.96, "final test accuracy " + epochs.get(4).testAccuracy());
    }
}
