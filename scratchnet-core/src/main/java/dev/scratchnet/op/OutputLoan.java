package dev.scratchnet.op;

/**
 * An array lent, on one thread, to the next matrix product whose output has exactly its type and length, in place
 * of a fresh one. A gradient tape that reuses gradient buffers lends each variable's buffer while the rule that
 * computes that variable's gradient runs: the weight gradient of a training step is then written where the previous
 * step's was, already in the caches of the cores that write it, instead of into fresh memory that the JVM must zero
 * first. Only products take loans, as they overwrite every element of their output.
 */
public final class OutputLoan {
    private static final ThreadLocal<float[]> LENT = new ThreadLocal<>();

    private OutputLoan() {
    }

    /**
     * Lends {@code buffer} until {@link #end}; it must not be in use by anything else meanwhile.
     *
     * @param buffer the number of batches to prepare ahead
     */
    public static void lend(float[] buffer) {
        LENT.set(buffer);
    }

    /** Ends the loan, whether or not a product took the buffer. */
    public static void end() {
        LENT.remove();
    }

    /** The lent buffer if it has length {@code n} (the loan then ends), else {@link StepBuffers#floats}. */
    static float[] floats(int n) {
        float[] lent = LENT.get();
        if (lent != null && lent.length == n) {
            LENT.remove();
            return lent;
        }
        return StepBuffers.floats(n);
    }
}
