package dev.scratchnet.onnx;

import dev.scratchnet.op.Operand;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Axis permutations that remember what they permuted, so that one undone by the next gives back the tensor it started
 * from instead of a copy. A graph exported from the engine's NHWC ops transposes to NCHW around every convolution and
 * pooling, and the runner transposes back to NHWC inside them: four copies of each batch of images per layer, which
 * took 44% of an imported CNN's inference.
 */
final class Transposes {
    /** Where a transposed tensor came from. */
    private record Permuted(Tensor source, int[] perm) {
    }

    /** By the transposed tensor (tensors compare by identity), as long as it lives. */
    private static final Map<Tensor, Permuted> MADE = Collections.synchronizedMap(new WeakHashMap<>());

    private Transposes() {
    }

    /** {@link Ops#transpose(Operand, int...)}, or the tensor a transpose by the inverse of {@code perm} made. */
    static Tensor transpose(Operand x, int... perm) {
        Permuted made = x instanceof Tensor t ? MADE.get(t) : null;
        if (made != null && undoes(made.perm(), perm)) {
            return made.source();
        }
        Tensor y = Ops.transpose(x, perm);
        if (x instanceof Tensor t && y != t) {
            MADE.put(y, new Permuted(t, perm.clone()));
        }
        return y;
    }

    /** Whether permuting by {@code first}, then by {@code second}, leaves every axis where it was. */
    private static boolean undoes(int[] first, int[] second) {
        if (first.length != second.length) {
            return false;
        }
        for (int i = 0; i < second.length; i++) {
            if (second[i] < 0 || second[i] >= first.length || first[second[i]] != i) {
                return false;
            }
        }
        return true;
    }
}
