package io.pocketgrid.worker.engine.onnx;

/**
 * A graph input, output or value_info entry: name, ONNX element type code (0 when not a tensor
 * or unknown) and dims, -1 for a symbolic or missing dimension, null when no shape is given.
 */
public record OnnxValue(String name, int elemType, int[] dims) {
}
