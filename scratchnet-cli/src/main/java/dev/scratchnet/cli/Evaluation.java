package dev.scratchnet.cli;

import dev.scratchnet.models.Chapter14;
import dev.scratchnet.models.Trainer;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;

/** A model's predictions on a labelled set: loss, accuracy, the confusion matrix and per-class precision and recall. */
record Evaluation(double loss, double accuracy, long[][] confusion, long[] predictions) {
    /**
     * Rows evaluated at once, as many as a training batch: the CNN's activations grow with them (its one-epoch run peaked
     * at 488 MB with 64 rows, 688 MB with 256), and {@code eval} of the CNN took 2.9-3.9 s with 64 rows, 4.3-5.5 s with 256.
     */
    private static final int ROWS = 64;

    static Evaluation of(Layer model, Tensor x, Tensor y, int classes) {
        Tensor logits = Trainer.predict(model, x, ROWS);
        long[] predicted = Ops.argmax(logits, 1).toLongArray();
        long[] actual = y.toLongArray();
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) {
            confusion[(int) actual[i]][(int) predicted[i]]++;
        }
        return new Evaluation(Chapter14.computeLoss(logits, y).item(), Chapter14.computeAccuracy(logits, y).item(), confusion, predicted);
    }

    /** Of the examples predicted as {@code c}, the share that are {@code c} (NaN when none were). */
    double precision(int c) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[c];
        }
        return (double) confusion[c][c] / predicted;
    }

    /** Of the examples of class {@code c}, the share predicted as {@code c} (NaN when there are none). */
    double recall(int c) {
        long actual = 0;
        for (long n : confusion[c]) {
            actual += n;
        }
        return (double) confusion[c][c] / actual;
    }
}
