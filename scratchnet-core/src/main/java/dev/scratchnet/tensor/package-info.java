/**
 * What a tensor is made of, below any operation: {@link dev.scratchnet.tensor.DType} (the element types, as
 * TensorFlow names them), {@link dev.scratchnet.tensor.Shape} (dimensions, broadcasting and reshaping rules) and
 * {@link dev.scratchnet.tensor.Storage} (the primitive arrays that hold the values, and their conversions).
 *
 * <p>Depends on nothing else in the engine; every other package builds on it.
 */
package dev.scratchnet.tensor;
