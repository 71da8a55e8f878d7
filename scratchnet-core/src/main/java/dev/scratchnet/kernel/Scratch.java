package dev.scratchnet.kernel;

/**
 * Each thread's scratch arrays, kept between kernel calls so that a training step does not allocate them anew: a few
 * numbered slots, each grown to the longest length asked of it. A kernel owns the slots it asks for until it returns
 * (kernels never run inside one another on one thread); data a kernel's caller keeps for all its parts, while that
 * thread also runs one of them, takes a slot the parts do not use.
 */
final class Scratch {
    private static final ThreadLocal<float[][]> SLOTS = ThreadLocal.withInitial(() -> new float[4][0]);

    private Scratch() {
    }

    /** This thread's array in {@code slot} (0 to 3), of at least {@code n} floats; its contents are left over. */
    static float[] floats(int slot, int n) {
        float[][] slots = SLOTS.get();
        if (slots[slot].length < n) {
            slots[slot] = new float[n];
        }
        return slots[slot];
    }
}
