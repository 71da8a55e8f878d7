/**
 * Optimizers with Keras' definitions and defaults ({@link dev.scratchnet.optim.Adam}, {@link dev.scratchnet.optim.AdamW},
 * {@link dev.scratchnet.optim.SGD}, {@link dev.scratchnet.optim.RMSprop}, {@link dev.scratchnet.optim.Adagrad}),
 * learning-rate schedules and gradient clipping. {@code optimizer.applyGradients(gradients, variables)} is Keras'
 * {@code apply_gradients(zip(gradients, variables))}.
 *
 * <p>Optimizers update variables through {@code Variable.updateInPlace}, so a tensor read from a variable never
 * changes. An optimizer holds per-variable state and is meant for one training thread.
 */
package dev.scratchnet.optim;
