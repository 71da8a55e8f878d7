/**
 * Functions traced into graphs: {@link dev.scratchnet.graph.Graph#trace} records the ops a function runs on example
 * inputs, with their attributes, so that the graph runs again on other inputs (any batch size), a tape differentiates
 * through it, and exporters (ONNX, in {@code scratchnet-onnx}) describe it node by node.
 *
 * <p>A trace is a {@code Recorder}, like a gradient tape: it hears the ops of its thread through {@code op.Recording}
 * and replays them through the public ops.
 */
package dev.scratchnet.graph;
