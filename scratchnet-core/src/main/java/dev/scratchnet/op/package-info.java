/**
 * Tensors and the operations on them: {@link dev.scratchnet.op.Tensor} (an immutable value),
 * {@link dev.scratchnet.op.Variable} (a model's mutable parameter), {@link dev.scratchnet.op.Ops} (every operation,
 * each with its gradient rule beside its forward computation, the one table of derivative formulas),
 * {@link dev.scratchnet.op.Nn} (the neural-network operations, like {@code tf.nn}), {@link dev.scratchnet.op.Generator}
 * (seeded random tensors) and {@link dev.scratchnet.op.Initializers}.
 *
 * <p>Operations are eager: {@code relu(matmul(x, w1).add(b1))} computes at once, on the kernels of the (internal)
 * kernel package. While a gradient tape records on the same thread, each op reports itself to it through the small
 * {@link dev.scratchnet.op.Recorder} interface, so this package knows nothing of the tape that implements it
 * ({@code dev.scratchnet.autodiff}).
 *
 * <p>Thread safety: tensors are immutable and may be shared freely; ops may run on many threads at once. Variables
 * are safe to read from any thread (see {@link dev.scratchnet.op.Variable} for what updates do).
 */
package dev.scratchnet.op;
