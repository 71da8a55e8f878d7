package dev.scratchnet.kernel;

/**
 * Walks several operands over one iteration shape as a series of runs along the innermost axis.
 * Each operand has its own strides, zero along the axes where it is broadcast (or, for a reduction's
 * output, along the reduced axes). Adjacent axes that are contiguous for every operand are merged first,
 * so the common cases (same shape, a bias row, a per-row value) become one long run or a few long runs.
 */
public final class BroadcastPlan {
    private final int[] dims;
    private final int[][] strides;
    private final int runLength;

    private BroadcastPlan(int[] dims, int[][] strides) {
        this.dims = dims;
        this.strides = strides;
        this.runLength = dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /**
     * A plan over {@code iteration}; each operand shape is aligned at the right and must equal the iteration
     * size or 1 on every axis (1 means broadcast). Operands are dense row-major.
     */
    public static BroadcastPlan of(int[] iteration, int[]... operands) {
        int rank = iteration.length;
        int[][] s = new int[operands.length][rank];
        for (int o = 0; o < operands.length; o++) {
            int[] shape = operands[o];
            int lead = rank - shape.length;
            int stride = 1;
            for (int i = rank - 1; i >= 0; i--) {
                int d = i < lead ? 1 : shape[i - lead];
                s[o][i] = d == 1 ? 0 : stride;
                stride *= d;
            }
        }
        return collapse(iteration, s);
    }

    private static BroadcastPlan collapse(int[] iteration, int[][] s) {
        int ops = s.length;
        int[] dims = new int[iteration.length];
        int[][] strides = new int[ops][iteration.length];
        int rank = 0;
        for (int i = 0; i < iteration.length; i++) {
            if (iteration[i] == 1) {
                continue;
            }
            boolean merge = rank > 0;
            for (int o = 0; o < ops && merge; o++) {
                merge = strides[o][rank - 1] == s[o][i] * iteration[i];
            }
            if (merge) {
                dims[rank - 1] *= iteration[i];
                for (int o = 0; o < ops; o++) {
                    strides[o][rank - 1] = s[o][i];
                }
            } else {
                dims[rank] = iteration[i];
                for (int o = 0; o < ops; o++) {
                    strides[o][rank] = s[o][i];
                }
                rank++;
            }
        }
        int[] d = java.util.Arrays.copyOf(dims, rank);
        int[][] st = new int[ops][];
        for (int o = 0; o < ops; o++) {
            st[o] = java.util.Arrays.copyOf(strides[o], rank);
        }
        return new BroadcastPlan(d, st);
    }

    /** The number of elements in every run. */
    public int runLength() {
        return runLength;
    }

    /** The step of {@code operand} from one element of a run to the next (0 when it is broadcast along it). */
    public int step(int operand) {
        return dims.length == 0 ? 0 : strides[operand][dims.length - 1];
    }

    /**
     * The step of {@code operand} from one run to the next when the runs form one matrix (the plan has two axes once
     * merged), else −1.
     */
    public int rowStep(int operand) {
        return dims.length == 2 ? strides[operand][0] : -1;
    }

    /** The number of runs. */
    public int runs() {
        int runs = 1;
        for (int axis = 0; axis < dims.length - 1; axis++) {
            runs *= dims[axis];
        }
        return dims.length > 0 && dims[dims.length - 1] == 0 ? 0 : runs;
    }

    /** A fresh cursor; call {@link Cursor#next()} before reading the first run. */
    public Cursor cursor() {
        return new Cursor(0);
    }

    /** A cursor whose first {@link Cursor#next()} moves to run number {@code first} (counting from 0). */
    public Cursor cursor(int first) {
        return new Cursor(first);
    }

    /** The position of the current run in every operand. */
    public final class Cursor {
        private final int[] index = new int[Math.max(dims.length - 1, 0)];
        private final int[] offsets = new int[strides.length];
        private boolean started;
        private boolean done;

        private Cursor(int first) {
            for (int d : dims) {
                done |= d == 0;
            }
            for (int axis = index.length - 1, rest = first; axis >= 0 && !done; axis--) {
                index[axis] = rest % dims[axis];
                rest /= dims[axis];
                for (int o = 0; o < offsets.length; o++) {
                    offsets[o] += index[axis] * strides[o][axis];
                }
            }
        }

        /** Moves to the next run; false when every run has been visited. */
        public boolean next() {
            if (done) {
                return false;
            }
            if (!started) {
                started = true;
                return true;
            }
            for (int axis = index.length - 1; axis >= 0; axis--) {
                if (++index[axis] < dims[axis]) {
                    for (int o = 0; o < offsets.length; o++) {
                        offsets[o] += strides[o][axis];
                    }
                    return true;
                }
                index[axis] = 0;
                for (int o = 0; o < offsets.length; o++) {
                    offsets[o] -= strides[o][axis] * (dims[axis] - 1);
                }
            }
            done = true;
            return false;
        }

        /** Where the current run starts in {@code operand}. */
        public int offset(int operand) {
            return offsets[operand];
        }
    }
}
