package dev.scratchnet.models;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.StepBuffers;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Optimizer;

import java.util.List;

import static dev.scratchnet.models.Chapter14.computeAccuracy;
import static dev.scratchnet.models.Chapter14.computeLoss;

/** The chapter's training loop for any model: one gradient-tape step per batch, the test accuracy after each epoch. */
public final class Trainer {
    private Trainer() {
    }

    /** What one epoch gave: the chapter's line, and what the tools around it show. */
    public record Epoch(int number, double testAccuracy, double testLoss, double trainLoss, double trainAccuracy, double seconds) {
        @Override
        public String toString() {
            return String.format("Epoch %d, Test Accuracy: %.4f", number, testAccuracy);
        }
    }

    /** Hears about training as it goes: after every step (for progress bars) and after every epoch. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called after each training step, with the epoch's running means.
         *
         * @param epoch the epoch
         * @param step the step
         * @param steps the steps in an epoch
         * @param loss the loss
         * @param accuracy the accuracy
         */
        default void step(int epoch, int step, int steps, double loss, double accuracy) {
        }

        /**
         * Called after each epoch's test evaluation.
         *
         * @param result what the epoch gave
         */
        void epoch(Epoch result);
    }

    /**
     * Epochs {@code first} to {@code last} (counting from 1, so that a run can resume where it stopped) over the
     * batches of {@code trainData}, each (images, labels).
     *
     * @param model the model
     * @param trainData the training batches, each (inputs, labels)
     * @param steps the steps in an epoch
     * @param xTest the test inputs
     * @param yTest the test labels
     * @param optimizer the optimizer
     * @param first the first epoch, counting from 1
     * @param last the last epoch
     * @param listener hears about every step and epoch
     */
    @SuppressWarnings("try") // the open step serves the ops of its body, which never name it
    public static void fit(Layer model, Dataset trainData, int steps, Tensor xTest, Tensor yTest, Optimizer optimizer,
                           int first, int last, Listener listener) {
        List<Variable> params = model.variables();
        StepBuffers stepBuffers = new StepBuffers();
        for (int epoch = first; epoch <= last; epoch++) {
            long start = System.nanoTime();
            double lossSum = 0, accuracySum = 0;
            int step = 0;
            for (List<Tensor> batch : trainData) {
                Tensor xBatch = batch.get(0), yBatch = batch.get(1);
                // Nothing computed in a step is used after it: its outputs and gradients may land in the same arrays every step.
                try (StepBuffers.Step stepOutputs = stepBuffers.open(); GradientTape tape = new GradientTape().reuseGradientBuffers()) {
                    Tensor logits = model.apply(xBatch, true);
                    Tensor loss = computeLoss(logits, yBatch);
                    List<Tensor> gradients = tape.gradient(loss, params);
                    optimizer.applyGradients(gradients, params);
                    lossSum += loss.item();
                    accuracySum += computeAccuracy(logits, yBatch).item();
                    listener.step(epoch, ++step, steps, lossSum / step, accuracySum / step);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            listener.epoch(evaluate(model, epoch, xTest, yTest, lossSum / step, accuracySum / step, seconds));
        }
    }

    /**
     * The end of an epoch: the model's accuracy and loss on the test set (the loss is NaN when it is empty), with the
     * epoch's training figures.
     *
     * @param model the model
     * @param epoch the epoch's number
     * @param xTest the test inputs
     * @param yTest the test labels
     * @param trainLoss the mean training loss of the epoch's steps
     * @param trainAccuracy the mean training accuracy of the epoch's steps
     * @param seconds the epoch's training time
     * @return what the epoch gave
     */
    public static Epoch evaluate(Layer model, int epoch, Tensor xTest, Tensor yTest, double trainLoss, double trainAccuracy, double seconds) {
        Tensor testLogits = predict(model, xTest);
        Tensor testAcc = computeAccuracy(testLogits, yTest);
        double testLoss = xTest.dim(0) == 0 ? Double.NaN : computeLoss(testLogits, yTest).item();
        return new Epoch(epoch, testAcc.item(), testLoss, trainLoss, trainAccuracy, seconds);
    }

    /**
     * The model's logits for {@code x}, computed in batches of 1000 rows so that large models stay within memory.
     *
     * @param model the network
     * @param x     a batch of inputs
     * @return the network's outputs, one row per input row
     */
    public static Tensor predict(Layer model, Tensor x) {
        return predict(model, x, 1000);
    }

    /**
     * The model's outputs for {@code x} (not training), computed {@code rows} rows at a time.
     *
     * @param model the network
     * @param x     a batch of inputs
     * @param rows  the rows of one pass
     * @return the network's outputs, one row per input row
     */
    public static Tensor predict(Layer model, Tensor x, int rows) {
        if (x.dim(0) <= rows) {
            return model.apply(x, false);
        }
        // Each pass as a step of reused arrays (unless the caller has a step open), its outputs copied out of it.
        StepBuffers buffers = StepBuffers.isOpen() ? null : new StepBuffers();
        List<Tensor> parts = new java.util.ArrayList<>();
        for (int i = 0; i < x.dim(0); i += rows) {
            if (buffers == null) {
                parts.add(model.apply(x.slice(i, i + rows), false));
            } else {
                try (StepBuffers.Step step = buffers.open()) {
                    parts.add(model.apply(x.slice(i, i + rows), false).copy());
                }
            }
        }
        return dev.scratchnet.op.Ops.concat(parts, 0);
    }
}
