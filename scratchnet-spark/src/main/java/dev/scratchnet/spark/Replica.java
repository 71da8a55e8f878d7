package dev.scratchnet.spark;

import dev.scratchnet.autodiff.GradientTape;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.StepBuffers;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.optim.Optimizer;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.scratchnet.models.Chapter14.computeAccuracy;
import static dev.scratchnet.models.Chapter14.computeLoss;

/**
 * A copy of the model on an executor, loaded with the driver's weights at the start of every task. Built once per
 * executor thread and training run (the factory may be slow), kept in a pool that the run empties when it ends; one
 * task at a time uses it.
 */
final class Replica {
    private static final Map<String, Queue<Replica>> POOLS = new ConcurrentHashMap<>();

    private final Layer model;
    private final List<Variable> variables;
    private final StepBuffers buffers = new StepBuffers();

    private Replica(Layer model) {
        this.model = model;
        this.variables = model.variables();
    }

    /** What a task computes on a replica of its run. */
    @FunctionalInterface
    interface Work {
        Contribution on(Replica replica);
    }

    /** Runs {@code work} on a replica of run {@code run}, built by {@code factory} when none is free on this executor. */
    static Contribution borrow(String run, Factory<? extends Layer> factory, Work work) {
        Queue<Replica> pool = POOLS.computeIfAbsent(run, r -> new ConcurrentLinkedQueue<>());
        Replica replica = pool.poll();
        if (replica == null) {
            replica = new Replica(factory.create());
        }
        // A task is one training step: nothing it computes outlives it but the copies it sends back, so its outputs, its
        // gradients and the weights it loads reuse the arrays of the task before.
        try (StepBuffers.Step step = replica.buffers.open()) {
            return work.on(replica);
        } finally {
            pool.add(replica);
        }
    }

    /** Drops this executor's replicas of run {@code run}. */
    static void forget(String run) {
        POOLS.remove(run);
    }

    /** Sets the weights, and Adam's moments when {@code optimizer} is one, from arrays laid out as {@link State#of} gives them. */
    void load(float[][] arrays, Optimizer optimizer) {
        State.restore(arrays, variables, optimizer);
    }

    /**
     * The gradient of this partition's share of global batch {@code step}: the mean loss over the whole batch, of
     * {@code batchRows} examples, restricted to this partition's rows, so that the partitions' gradients add up to the
     * batch's.
     */
    Contribution gradient(Shard shard, BatchPlan plan, int step, long batchRows) {
        int from = plan.from(shard.partition, step), to = plan.from(shard.partition, step + 1);
        if (from == to) {
            return Contribution.none();
        }
        Tensor x = shard.inputs(from, to), y = shard.labels(from, to);
        try (GradientTape tape = new GradientTape().reuseGradientBuffers()) {
            Tensor logits = model.apply(x, true);
            Tensor loss = computeLoss(logits, y);
            List<Tensor> gradients = tape.gradient(loss.mul((to - from) / (double) batchRows), variables);
            float[][] arrays = new float[variables.size()][];
            for (int i = 0; i < arrays.length; i++) {
                Tensor g = gradients.get(i);
                arrays[i] = g != null ? g.toFloatArray() : new float[variables.get(i).shape().size()];
            }
            return new Contribution(arrays, loss.item() * (to - from), correct(logits, y), to - from);
        }
    }

    /**
     * Parameter averaging: {@code count} steps from global step {@code first} on this partition's shares alone, each
     * the mean loss of its share, with {@code optimizer} (holding the driver's moments). Gives the weights, then Adam's
     * moments, each scaled by the examples seen, so that their sum over the partitions divided by its rows is the average.
     */
    Contribution localSteps(Shard shard, BatchPlan plan, int first, int count, Optimizer optimizer) {
        double lossSum = 0;
        long correct = 0, rows = 0;
        for (int step = first; step < first + count; step++) {
            int from = plan.from(shard.partition, step), to = plan.from(shard.partition, step + 1);
            if (from == to) {
                continue;
            }
            Tensor x = shard.inputs(from, to), y = shard.labels(from, to);
            try (GradientTape tape = new GradientTape().reuseGradientBuffers()) {
                Tensor logits = model.apply(x, true);
                Tensor loss = computeLoss(logits, y);
                optimizer.applyGradients(tape.gradient(loss, variables), variables);
                lossSum += loss.item() * (to - from);
                correct += correct(logits, y);
                rows += to - from;
            }
        }
        if (rows == 0) {
            return Contribution.none();
        }
        float[][] state = State.of(variables, optimizer);
        for (float[] array : state) {
            for (int j = 0; j < array.length; j++) {
                array[j] *= rows;
            }
        }
        return new Contribution(state, lossSum, correct, rows);
    }

    private static long correct(Tensor logits, Tensor labels) {
        return Math.round(computeAccuracy(logits, labels).item() * labels.dim(0));
    }

    /** The weights and moments that parameter averaging carries: the variables' values, then Adam's m and v of each. */
    static final class State {
        private State() {
        }

        /** Copies of the variables' values, then, for Adam, of each variable's two moments (zeros before the first step). */
        static float[][] of(List<Variable> variables, Optimizer optimizer) {
            int n = variables.size();
            float[][] arrays = new float[optimizer instanceof Adam ? 3 * n : n][];
            for (int i = 0; i < n; i++) {
                Variable v = variables.get(i);
                arrays[i] = v.value().toFloatArray();
                if (optimizer instanceof Adam adam) {
                    Adam.Moments m = adam.momentsFor(v);
                    arrays[n + 2 * i] = ((float[]) m.m()).clone();
                    arrays[n + 2 * i + 1] = ((float[]) m.v()).clone();
                }
            }
            return arrays;
        }

        /** Sets the variables, and Adam's moments when {@code optimizer} is one (it may be null), from arrays laid out as {@link #of} gives them. */
        static void restore(float[][] arrays, List<Variable> variables, Optimizer optimizer) {
            int n = variables.size();
            for (int i = 0; i < n; i++) {
                float[] values = arrays[i];
                Variable v = variables.get(i);
                v.updateInPlace(into -> System.arraycopy(values, 0, (float[]) into, 0, values.length));
                if (optimizer instanceof Adam adam) {
                    Adam.Moments m = adam.momentsFor(v);
                    System.arraycopy(arrays[n + 2 * i], 0, (float[]) m.m(), 0, arrays[n + 2 * i].length);
                    System.arraycopy(arrays[n + 2 * i + 1], 0, (float[]) m.v(), 0, arrays[n + 2 * i + 1].length);
                }
            }
        }
    }
}
