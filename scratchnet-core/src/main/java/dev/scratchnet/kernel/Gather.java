package dev.scratchnet.kernel;

/**
 * Copies elements by index, {@code dst[i] = src[srcOff + index[i]]}, for every storage array type; large float32
 * copies are split over the cores.
 */
public final class Gather {
    private static final int PARALLEL_THRESHOLD = 1 << 15;

    private Gather() {
    }

    public static void gather(Object src, int srcOff, int[] index, Object dst) {
        int n = index.length;
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            int parts = n < PARALLEL_THRESHOLD ? 1 : Parallel.threads();
            Parallel.forEach(parts, part -> {
                int end = (int) ((long) n * (part + 1) / parts);
                for (int i = (int) ((long) n * part / parts); i < end; i++) d[i] = s[srcOff + index[i]];
            });
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++) d[i] = s[srcOff + index[i]];
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int i = 0; i < n; i++) d[i] = s[srcOff + index[i]];
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = 0; i < n; i++) d[i] = s[srcOff + index[i]];
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = 0; i < n; i++) d[i] = s[srcOff + index[i]];
        } else {
            boolean[] s = (boolean[]) src;
            boolean[] d = (boolean[]) dst;
            for (int i = 0; i < n; i++) d[i] = s[srcOff + index[i]];
        }
    }

    /**
     * {@code dst} = the float32 tensor of shape {@code dims} at {@code src[srcOff]} with its axes permuted by {@code perm}:
     * run by run along the output's last axis, each run read with one stride, the runs split over the cores; no index
     * array is built.
     */
    public static void transpose(float[] src, int srcOff, int[] dims, int[] perm, float[] dst) {
        int rank = dims.length;
        if (rank == 0) {
            dst[0] = src[srcOff];
            return;
        }
        int[] strides = new int[rank];
        int n = 1;
        for (int i = rank - 1; i >= 0; i--) {
            strides[i] = n;
            n *= dims[i];
        }
        int[] outDims = new int[rank], outStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = dims[perm[i]];
            outStrides[i] = strides[perm[i]];
        }
        int run = outDims[rank - 1], step = outStrides[rank - 1];
        int runs = run == 0 ? 0 : n / run;
        int parts = n < PARALLEL_THRESHOLD ? 1 : Parallel.threads();
        Parallel.forEach(parts, part -> {
            for (int r = (int) ((long) runs * part / parts), end = (int) ((long) runs * (part + 1) / parts); r < end; r++) {
                int from = srcOff;
                for (int axis = rank - 2, rest = r; axis >= 0; axis--) {
                    from += rest % outDims[axis] * outStrides[axis];
                    rest /= outDims[axis];
                }
                for (int k = 0, o = r * run; k < run; k++, from += step) {
                    dst[o + k] = src[from];
                }
            }
        });
    }

    /** The source index of every element of a tensor of shape {@code dims} permuted by {@code perm}. */
    public static int[] transposeIndex(int[] dims, int[] perm) {
        int rank = dims.length;
        int[] strides = new int[rank];
        int n = 1;
        for (int i = rank - 1; i >= 0; i--) {
            strides[i] = n;
            n *= dims[i];
        }
        int[] outDims = new int[rank];
        int[] outStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = dims[perm[i]];
            outStrides[i] = strides[perm[i]];
        }
        int[] index = new int[n];
        int[] pos = new int[rank];
        int src = 0;
        for (int i = 0; i < n; i++) {
            index[i] = src;
            for (int axis = rank - 1; axis >= 0; axis--) {
                src += outStrides[axis];
                if (++pos[axis] < outDims[axis]) {
                    break;
                }
                src -= outStrides[axis] * outDims[axis];
                pos[axis] = 0;
            }
        }
        return index;
    }
}
