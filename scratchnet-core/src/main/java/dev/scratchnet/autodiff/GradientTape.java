package dev.scratchnet.autodiff;

import dev.scratchnet.op.GradientRule;
import dev.scratchnet.op.Operand;
import dev.scratchnet.op.NumericsCheck;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Profiler;
import dev.scratchnet.op.OutputLoan;
import dev.scratchnet.op.Recorder;
import dev.scratchnet.op.Recording;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records the ops that run on this thread, from construction until {@link #close()}, and computes gradients by
 * walking them backwards: TensorFlow's {@code tf.GradientTape}.
 *
 * <pre>{@code
 * try (GradientTape tape = new GradientTape()) {
 *     Tensor loss = computeLoss(forwardPass(x), y);
 *     List<Tensor> grads = tape.gradient(loss, params);
 * }
 * }</pre>
 *
 * <p>Trainable variables read by an op are watched automatically; plain tensors with {@link #watch}. An op is
 * recorded only if one of its inputs is watched or was computed from a watched tensor, so work on data that
 * nobody differentiates costs nothing here, and a gradient rule is asked only for the inputs that lead back to
 * a requested source. Tapes nest: an outer tape records the ops that an inner tape's {@code gradient} runs,
 * which gives higher-order derivatives.
 *
 * <p>Thread safety: a tape hears only the ops of the thread that made it, and is used by that thread alone. Threads
 * that each open their own tape may record and differentiate at once.
 */
public final class GradientTape implements Recorder, AutoCloseable {
    /** One recorded op application. */
    private record Node(String op, Tensor[] inputs, Tensor output, GradientRule rule) {
    }

    private final boolean persistent;
    private final boolean watchAccessedVariables;
    private final List<Node> nodes = new ArrayList<>();
    /** Every tensor the tape follows: watched ones map to -1, computed ones to the index of their node. */
    private final Map<Tensor, Integer> tracked = new IdentityHashMap<>();
    /** The values read from each watched variable while recording. */
    private final Map<Variable, List<Tensor>> variableReads = new IdentityHashMap<>();
    private boolean recording = true;
    private boolean closed;
    private boolean used;
    private boolean reuseGradientBuffers;

    /** A non-persistent tape that watches the trainable variables its ops read. */
    public GradientTape() {
        this(false, true);
    }

    /**
     * A tape that allows more than one {@code gradient} call when {@code persistent}.
     *
     * @param persistent whether gradient may be called more than once
     */
    public GradientTape(boolean persistent) {
        this(persistent, true);
    }

    /**
     * A tape that records from now on, like {@code tf.GradientTape(persistent, watch_accessed_variables)}.
     *
     * @param persistent whether gradient may be called more than once
     * @param watchAccessedVariables whether trainable variables read while recording are watched
     */
    public GradientTape(boolean persistent, boolean watchAccessedVariables) {
        this.persistent = persistent;
        this.watchAccessedVariables = watchAccessedVariables;
        Recording.start(this);
    }

    /**
     * Makes the gradients of float32 variables land in buffers kept with the variables ({@link Variable#gradientBuffer}),
     * the same ones every step, instead of in fresh arrays: for training loops that apply each step's gradients and
     * then drop them, as {@code Trainer} does, this saves allocating, zeroing and moving a weight gradient's worth of
     * memory per step. A gradient from such a tape changes when a later one computes the same variable's gradient:
     * copy it to keep it. Only for non-persistent tapes. Returns this tape.
     *
     * @return this tape
     */
    public GradientTape reuseGradientBuffers() {
        if (persistent) {
            throw new IllegalStateException("GradientTape.reuseGradientBuffers: a persistent tape computes several gradients, "
                    + "which would share the buffers; use a non-persistent tape");
        }
        reuseGradientBuffers = true;
        return this;
    }

    /**
     * Follows {@code operand} from now on, so gradients with respect to it can be asked for.
     *
     * @param operand the operand
     */
    public void watch(Operand operand) {
        if (closed) {
            throw new IllegalStateException("GradientTape.watch: the tape is closed; watch tensors inside its block");
        }
        if (operand instanceof Variable v) {
            watchVariable(v, v.value());
        } else {
            tracked.putIfAbsent(operand.value(), -1);
        }
    }

    /** Stops recording; gradients can still be computed from what was recorded. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            recording = false;
            Recording.stop(this);
        }
    }

    @Override
    public void variableRead(Variable variable, Tensor value) {
        if (recording && watchAccessedVariables && variable.trainable() && value.dtype().isFloating()) {
            watchVariable(variable, value);
        }
    }

    private void watchVariable(Variable variable, Tensor value) {
        List<Tensor> reads = variableReads.computeIfAbsent(variable, v -> new ArrayList<>(1));
        if (!reads.contains(value)) {
            reads.add(value);
        }
        tracked.putIfAbsent(value, -1);
    }

    @Override
    public void record(String op, Map<String, Object> attributes, Tensor[] inputs, Tensor output, GradientRule rule) {
        if (!recording) {
            return;
        }
        for (Tensor input : inputs) {
            if (tracked.containsKey(input)) {
                tracked.put(output, nodes.size());
                nodes.add(new Node(op, inputs, output, rule));
                return;
            }
        }
    }

    @Override
    public boolean follows(Tensor tensor) {
        return recording && tracked.containsKey(tensor);
    }

    /**
     * The gradient of {@code target} (summed, if it is not a scalar) with respect to each source; null where unconnected.
     *
     * @param target the value to differentiate
     * @param sources the tensors and variables to differentiate by
     * @return the gradient of {@code target}
     */
    public List<Tensor> gradient(Operand target, List<? extends Operand> sources) {
        return gradient(target, sources, null, UnconnectedGradients.NONE);
    }

    /**
     * The gradient of {@code target} with respect to one source.
     *
     * @param target the value to differentiate
     * @param source the tensor or variable to differentiate by
     * @return the gradient of {@code target} with respect to one source
     */
    public Tensor gradient(Operand target, Operand source) {
        return gradient(target, List.of(source)).get(0);
    }

    /**
     * The gradients of {@code target} with respect to {@code sources}, starting from {@code outputGradient}
     * (ones of the target's shape when null), with unconnected sources answered as {@code unconnected} says.
     *
     * @param target the value to differentiate
     * @param sources the tensors and variables to differentiate by
     * @param outputGradient the gradient of the output
     * @param unconnected what a source that does not reach the target gets
     * @return the gradients of {@code target} with respect to {@code sources}, starting from {@code outputGradient}
     */
    public List<Tensor> gradient(Operand target, List<? extends Operand> sources, Tensor outputGradient, UnconnectedGradients unconnected) {
        return once("gradient", () -> compute(target, sources, outputGradient, unconnected, reuseGradientBuffers));
    }

    /** Runs one use of the tape: refused on a used non-persistent tape, and with this tape not recording meanwhile. */
    private <T> T once(String what, java.util.function.Supplier<T> use) {
        if (used && !persistent) {
            throw new IllegalStateException("GradientTape." + what + ": a non-persistent tape can compute gradients only once; "
                    + "use new GradientTape(true) to call it more than once");
        }
        used = true;
        boolean wasRecording = recording;
        recording = false;
        try {
            return use.get();
        } finally {
            recording = wasRecording && persistent && !closed;
            if (!persistent) {
                close();
            }
        }
    }

    /** One backward pass; {@code lend} lends the variables' gradient buffers (only for passes whose results are returned as they are). */
    private List<Tensor> compute(Operand target, List<? extends Operand> sources, Tensor outputGradient, UnconnectedGradients unconnected,
                                 boolean lend) {
        Tensor y = target.value();
        if (outputGradient != null && !outputGradient.shape().equals(y.shape())) {
            throw new IllegalArgumentException("GradientTape.gradient: output gradient " + outputGradient.shape()
                    + " does not match the target's shape " + y.shape());
        }
        Map<Tensor, Tensor> grads = backward(y, outputGradient, sources, lend);
        List<Tensor> result = new ArrayList<>(sources.size());
        for (Operand source : sources) {
            Tensor g = gradientOf(source, grads);
            if (g == null && unconnected == UnconnectedGradients.ZERO) {
                g = Tensor.zeros(source.dtype(), source.shape().dims());
            }
            result.add(g);
        }
        return result;
    }

    /**
     * The Jacobian of {@code target} with respect to {@code source}: shape target.shape + source.shape, entry
     * [i..., j...] the derivative of target[i...] by source[j...] (zeros where unconnected). Needs a persistent tape
     * when called more than once, like {@code gradient}.
     *
     * @param target the value to differentiate
     * @param source the tensor or variable to differentiate by
     * @return the Jacobian of {@code target} with respect to {@code source}
     */
    public Tensor jacobian(Operand target, Operand source) {
        Tensor y = target.value();
        return rows(y, source, y.size(), i -> {
            Tensor seed = Tensor.zeros(y.dtype(), y.shape().dims());
            return withOne(seed, i);
        }, concatShape(y.shape(), source.shape()));
    }

    /**
     * The Jacobian of each example: for {@code target} [b, ...] and {@code source} [b, ...] where example k of the
     * target depends only on example k of the source, shape [b] + target.shape[1:] + source.shape[1:], like
     * {@code tape.batch_jacobian}. Costs one backward pass per element of one example's target.
     *
     * @param target the value to differentiate
     * @param source the tensor or variable to differentiate by
     * @return the Jacobian of each example
     */
    public Tensor batchJacobian(Operand target, Operand source) {
        Tensor y = target.value();
        Shape ys = y.shape(), xs = source.shape();
        if (ys.rank() < 1 || xs.rank() < 1 || ys.dim(0) != xs.dim(0)) {
            throw new IllegalArgumentException("GradientTape.batchJacobian: target " + ys + " and source " + xs + " need the same first dimension");
        }
        int batch = ys.dim(0), perExample = ys.rowSize(), xPer = xs.rowSize();
        Tensor stacked = rows(y, source, perExample, j -> {
            Tensor seed = Tensor.zeros(y.dtype(), ys.dims());
            for (int b = 0; b < batch; b++) {
                seed = withOne(seed, b * perExample + j);
            }
            return seed;
        }, Shape.of(perExample, batch, xPer));
        int[] dims = new int[ys.rank() + xs.rank() - 1];
        dims[0] = batch;
        System.arraycopy(ys.dims(), 1, dims, 1, ys.rank() - 1);
        System.arraycopy(xs.dims(), 1, dims, ys.rank(), xs.rank() - 1);
        return Ops.reshape(Ops.transpose(stacked, 1, 0, 2), dims);
    }

    /** One backward pass per seed, stacked as rows of shape {@code shape}. */
    private Tensor rows(Tensor y, Operand source, int count, java.util.function.IntFunction<Tensor> seed, Shape shape) {
        return once("jacobian", () -> {
            List<Tensor> rows = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                // Each row is kept while the next is computed: no buffer may be lent to all of them.
                rows.add(Ops.reshape(compute(y, List.of(source), seed.apply(i), UnconnectedGradients.ZERO, false).get(0), 1, -1));
            }
            Tensor all = count == 0 ? Tensor.zeros(y.dtype(), 0, source.shape().size()) : Ops.concat(rows, 0);
            return Ops.reshape(all, shape.dims());
        });
    }

    private static Tensor withOne(Tensor t, int flatIndex) {
        double[] values = t.toDoubleArray();
        values[flatIndex] = 1;
        return Ops.cast(Tensor.fromArray(values, t.shape()), t.dtype());
    }

    private static Shape concatShape(Shape a, Shape b) {
        int[] dims = new int[a.rank() + b.rank()];
        System.arraycopy(a.dims(), 0, dims, 0, a.rank());
        System.arraycopy(b.dims(), 0, dims, a.rank(), b.rank());
        return Shape.of(dims);
    }

    private Tensor gradientOf(Operand source, Map<Tensor, Tensor> grads) {
        if (!(source instanceof Variable v)) {
            return grads.get(source.value());
        }
        Tensor sum = null;
        for (Tensor read : variableReads.getOrDefault(v, List.of())) {
            Tensor g = grads.get(read);
            sum = sum == null ? g : g == null ? sum : Ops.add(sum, g);
        }
        return sum;
    }

    /** Walks the recorded nodes backwards from {@code y}, visiting only those on a path from a source. */
    private Map<Tensor, Tensor> backward(Tensor y, Tensor seed, List<? extends Operand> sources, boolean lend) {
        Set<Tensor> fromSource = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Operand s : sources) {
            if (s instanceof Variable v) {
                for (Tensor read : variableReads.getOrDefault(v, List.of())) {
                    fromSource.add(read);
                }
            } else if (tracked.containsKey(s.value())) {
                fromSource.add(s.value());
            }
        }
        boolean[] live = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            for (Tensor in : nodes.get(i).inputs()) {
                if (fromSource.contains(in)) {
                    live[i] = true;
                    fromSource.add(nodes.get(i).output());
                    break;
                }
            }
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        if (!y.dtype().isFloating() || !fromSource.contains(y)) {
            return grads;
        }
        grads.put(y, seed != null ? seed : Tensor.ones(y.dtype(), y.shape().dims()));
        Map<Tensor, Variable> lenders = lend ? float32VariableReads() : Map.of();
        Integer last = tracked.get(y);
        for (int i = last == null ? -1 : last; i >= 0; i--) {
            Node node = nodes.get(i);
            Tensor dy = live[i] ? grads.get(node.output()) : null;
            if (dy == null) {
                continue;
            }
            Tensor[] inputs = node.inputs();
            boolean[] needed = new boolean[inputs.length];
            for (int k = 0; k < inputs.length; k++) {
                needed[k] = inputs[k].dtype().isFloating() && fromSource.contains(inputs[k]);
            }
            long started = Profiler.enter();
            Tensor[] inputGrads = applyRule(node, dy, needed, lenders);
            for (int k = 0; k < inputs.length; k++) {
                if (needed[k] && inputGrads[k] != null) {
                    NumericsCheck.check("gradient of op " + node.op() + " for input " + k, inputGrads[k]);
                    Tensor g = Ops.sumTo(inputGrads[k], inputs[k].shape());
                    grads.merge(inputs[k], g, Ops::add);
                }
            }
            Profiler.exit(node.op() + " (gradient)", started);
        }
        return grads;
    }

    /**
     * Runs a node's gradient rule; with {@link #reuseGradientBuffers}, lends it the buffer of the first variable whose
     * read it differentiates (each variable's buffer once per pass, so that no two live gradients share it), unless
     * another tape records this gradient.
     */
    private static Tensor[] applyRule(Node node, Tensor dy, boolean[] needed, Map<Tensor, Variable> lenders) {
        Tensor[] inputs = node.inputs();
        for (int k = 0; k < inputs.length && !lenders.isEmpty(); k++) {
            Variable lender = needed[k] ? lenders.get(inputs[k]) : null;
            if (lender != null && !Recording.follows(inputs)) {
                lenders.values().removeIf(v -> v == lender);
                OutputLoan.lend(lender.gradientBuffer());
                try {
                    return node.rule().apply(dy, inputs, node.output(), needed);
                } finally {
                    OutputLoan.end();
                }
            }
        }
        return node.rule().apply(dy, inputs, node.output(), needed);
    }

    /** The float32 values read from watched variables, each with its variable. */
    private Map<Tensor, Variable> float32VariableReads() {
        Map<Tensor, Variable> reads = new IdentityHashMap<>();
        variableReads.forEach((variable, values) -> {
            for (Tensor value : values) {
                if (value.dtype() == DType.FLOAT32) {
                    reads.put(value, variable);
                }
            }
        });
        return reads;
    }

    /** The recorded ops, one per line with their shapes, to see why a gradient comes out null. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GradientTape(" + nodes.size() + " ops" + (persistent ? ", persistent" : "") + ")\n");
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            StringBuilder ins = new StringBuilder();
            for (Tensor t : n.inputs()) {
                ins.append(ins.length() == 0 ? "" : ", ").append(t.dtype()).append(t.shape()).append(tracked.containsKey(t) ? "*" : "");
            }
            sb.append(String.format("  #%d %s(%s) -> %s%s%n", i, n.op(), ins, n.output().dtype(), n.output().shape()));
        }
        return sb.toString();
    }
}
