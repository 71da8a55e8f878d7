/**
 * Checkpoints in open formats: {@link dev.scratchnet.io.Checkpoint} (named tensors and string metadata), written as
 * {@link dev.scratchnet.io.SafeTensors safetensors} or NumPy's {@link dev.scratchnet.io.Npz npz}, both read and
 * written by the engine itself, through {@link dev.scratchnet.io.AtomicFiles} so that a file is whole or absent.
 */
package dev.scratchnet.io;
