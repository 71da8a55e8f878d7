/**
 * Complete networks and what trains and serves them: {@link dev.scratchnet.models.Chapter14} (the chapter's program),
 * {@link dev.scratchnet.models.Models} (the chapter, mlp and cnn networks by name),
 * {@link dev.scratchnet.models.Trainer} (the chapter's training loop for any layer) and
 * {@link dev.scratchnet.models.Model} (a network with its spec: save, load and predict).
 *
 * <p>Built on every other package; nothing in the engine depends on this one.
 */
package dev.scratchnet.models;
