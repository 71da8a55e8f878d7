/**
 * Optional building blocks in the Keras style: {@link dev.scratchnet.layers.Layer} (a function of a batch that may
 * hold variables, and save and load their weights), {@link dev.scratchnet.layers.Dense},
 * {@link dev.scratchnet.layers.Conv2D} and {@link dev.scratchnet.layers.Sequential}.
 *
 * <p>Layers are written with the public ops only; the chapter's low-level style (variables and ops by hand) needs
 * none of them.
 */
package dev.scratchnet.layers;
