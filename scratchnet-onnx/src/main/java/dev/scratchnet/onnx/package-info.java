/**
 * ONNX models on the scratchnet engine, in pure Java: {@link dev.scratchnet.onnx.Onnx#load} reads a model (as written
 * by PyTorch's {@code torch.onnx.export} or any other exporter) into an {@link dev.scratchnet.onnx.OnnxModel} that runs
 * its graph with the engine's operations, so that it predicts, and trains under a gradient tape, like any scratchnet
 * model. The operators live in one table, each written with the public ops; protobuf's generated classes read the
 * file, declared from ONNX's own field numbers.
 *
 * <p>Depends on the core and on protobuf-java; the core knows nothing of it.
 */
package dev.scratchnet.onnx;
