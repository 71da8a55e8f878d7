package dev.scratchnet.models;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.IdxDataset;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.scratchnet.op.Ops.argmax;
import static dev.scratchnet.op.Ops.cast;
import static dev.scratchnet.op.Ops.equal;
import static dev.scratchnet.op.Ops.matmul;
import static dev.scratchnet.op.Ops.mean;
import static dev.scratchnet.op.Ops.relu;
import static dev.scratchnet.op.Ops.sparseSoftmaxCrossEntropyWithLogits;
import static dev.scratchnet.tensor.DType.FLOAT32;
import static dev.scratchnet.tensor.DType.INT64;

/**
 * Chapter 14, "Building a Neural Network from Scratch", step by step: a 784-128-10 network with ReLU,
 * trained on MNIST with sparse softmax cross-entropy, a gradient tape and Adam, printing the test accuracy
 * after every epoch.
 */
public final class Chapter14 implements Layer {
    // Step 2: Model Initialization
    private final Variable W1, b1, W2, b2;

    /**
     * The chapter's step 2: weights drawn from a normal distribution of standard deviation 0.1, biases zero.
     *
     * @param inputSize the number of inputs
     * @param hiddenSize the hidden layer's width
     * @param outputSize the number of outputs
     * @param random the seeded source of the initial values
     */
    public Chapter14(int inputSize, int hiddenSize, int outputSize, Generator random) {
        W1 = new Variable(random.normal(new int[] {inputSize, hiddenSize}, 0, 0.1), "W1");
        b1 = new Variable(Tensor.zeros(hiddenSize), "b1");
        W2 = new Variable(random.normal(new int[] {hiddenSize, outputSize}, 0, 0.1), "W2");
        b2 = new Variable(Tensor.zeros(outputSize), "b2");
    }

    @Override
    public List<Variable> variables() {
        return List.of(W1, b1, W2, b2);
    }

    // Step 3: Forward Pass Function
    /**
     * The chapter's {@code forward_pass}: {@code relu(x · W1 + b1) · W2 + b2}.
     *
     * @param x the input
     * @return the chapter's {@code forward_pass}
     */
    public Tensor forwardPass(Tensor x) {
        Tensor hidden = relu(matmul(x, W1).add(b1));
        return matmul(hidden, W2).add(b2);
    }

    // Step 4: Loss & Accuracy
    /**
     * The chapter's {@code compute_loss}: the mean sparse softmax cross-entropy.
     *
     * @param logits unnormalised log-probabilities, classes on the last axis
     * @param labels the class of each row
     * @return the chapter's {@code compute_loss}
     */
    public static Tensor computeLoss(Tensor logits, Tensor labels) {
        return mean(sparseSoftmaxCrossEntropyWithLogits(logits, labels));
    }

    /**
     * The chapter's {@code compute_accuracy}: the fraction of rows whose largest logit is at the label.
     *
     * @param logits unnormalised log-probabilities, classes on the last axis
     * @param labels the class of each row
     * @return the chapter's {@code compute_accuracy}
     */
    public static Tensor computeAccuracy(Tensor logits, Tensor labels) {
        Tensor preds = argmax(logits, 1, INT64);
        return mean(cast(equal(preds, labels), FLOAT32));
    }

    // Step 5: Training Loop (the loop itself is Trainer.fit: a gradient-tape step per batch, the test accuracy after each epoch)
    /**
     * The chapter's training loop: batches in order, a tape and an optimizer step each, the test accuracy after every epoch.
     *
     * @param xTrain the training inputs
     * @param yTrain the training labels
     * @param xTest the test inputs
     * @param yTest the test labels
     * @param optimizer the optimizer
     * @param epochs the number of epochs
     * @param batchSize the examples per step
     * @param listener hears about every step and epoch
     */
    public void train(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest,
                      Optimizer optimizer, int epochs, int batchSize, Trainer.Listener listener) {
        int steps = (xTrain.dim(0) + batchSize - 1) / batchSize;
        Dataset batches = Dataset.fromTensorSlices(xTrain, yTrain).batch(batchSize);    // x_train[i:i+batch_size], views
        Trainer.fit(this, batches, steps, xTest, yTest, optimizer, 1, epochs, listener);
    }

    @Override
    public Tensor apply(Tensor x, boolean training) {
        return forwardPass(x);
    }

    /**
     * The chapter's program as it stands: MNIST, 128 hidden units, Adam(0.001), 5 epochs of batch 64.
     *
     * @param args nothing, or a folder holding the four MNIST files to use instead of the fetched ones
     * @throws IOException when the data cannot be read or fetched
     */
    public static void main(String[] args) throws IOException {
        // Step 1: Dataset Preparation
        IdxDataset mnist = args.length > 0 ? IdxDataset.load(Path.of(args[0])) : Mnist.loadData();
        Tensor xTrain = mnist.xTrain().div(255.0).reshape(-1, 784).cast(FLOAT32);
        Tensor xTest = mnist.xTest().div(255.0).reshape(-1, 784).cast(FLOAT32);
        Tensor yTrain = mnist.yTrain().cast(INT64);
        Tensor yTest = mnist.yTest().cast(INT64);

        Chapter14 model = new Chapter14(784, 128, 10, Generator.fromSeed(42));
        model.train(xTrain, yTrain, xTest, yTest, new Adam(0.001), 5, 64, System.out::println);
    }
}
