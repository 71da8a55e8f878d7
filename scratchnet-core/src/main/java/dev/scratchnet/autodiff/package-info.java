/**
 * Reverse-mode differentiation: {@link dev.scratchnet.autodiff.GradientTape}, with TensorFlow's semantics (watched
 * variables, persistent tapes, nested tapes for higher derivatives, Jacobians), and
 * {@link dev.scratchnet.autodiff.GradientCheck}, which compares any function's tape gradient with finite differences.
 *
 * <p>A tape hears the ops of its own thread through {@code dev.scratchnet.op.Recorder} and, when asked for a
 * gradient, walks back over the recorded ops that lead from the sources to the target, calling each op's gradient
 * rule. A tape belongs to the thread that opened it.
 */
package dev.scratchnet.autodiff;
