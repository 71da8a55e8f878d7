package com.example;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.models.Model;
import dev.scratchnet.models.Models;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.scratchnet.op.Ops.matmul;
import static dev.scratchnet.op.Ops.sigmoid;

/** What a user of the library writes: XOR learned with variables, a tape and Adam; then a model saved, loaded and asked. */
public final class XorAndSavedModel {
    public static void main(String[] args) throws Exception {
        Tensor x = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {1}, {0}});
        Generator random = Generator.fromSeed(1);
        Variable w1 = new Variable(random.normal(new int[] {2, 8}, 0, 1), "w1"), b1 = new Variable(Tensor.zeros(8), "b1");
        Variable w2 = new Variable(random.normal(new int[] {8, 1}, 0, 1), "w2"), b2 = new Variable(Tensor.zeros(1), "b2");
        List<Variable> params = List.of(w1, b1, w2, b2);
        Adam optimizer = new Adam(0.05);
        double finalLoss = Double.NaN;
        for (int step = 0; step < 2000; step++) {
            try (GradientTape tape = new GradientTape()) {
                Tensor output = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
                Tensor loss = output.sub(y).square().mean();
                optimizer.applyGradients(tape.gradient(loss, params), params);
                finalLoss = loss.item();
            }
        }
        Tensor predicted = sigmoid(matmul(x.matmul(w1).add(b1).tanh(), w2).add(b2));
        System.out.printf("XOR: loss %.5f after 2000 steps, outputs %s%n", finalLoss, Arrays.toString(predicted.toFloatArray()));
        require(finalLoss < 0.01, "XOR's loss stayed at " + finalLoss);

        Path file = Path.of(args.length > 0 ? args[0] : ".").resolve("model.safetensors");
        Model model = new Model.Spec(Models.Kind.cnn, 784, 32, 10, 0.25).build(7);
        model.save(file);
        Model loaded = Model.load(file);
        Tensor images = Generator.fromSeed(2).uniform(new int[] {3, 28, 28}, 0, 1);
        float[] before = model.predict(images).toFloatArray(), after = loaded.predict(images).toFloatArray();
        System.out.printf("Saved and loaded %s; the same probabilities: %s%n", loaded, Arrays.equals(before, after));
        require(Arrays.equals(before, after), "the loaded model predicts differently");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            System.err.println("consumer: " + message);
            System.exit(1);
        }
    }
}
