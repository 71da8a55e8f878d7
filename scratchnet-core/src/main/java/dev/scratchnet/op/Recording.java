package dev.scratchnet.op;

import java.util.ArrayList;
import java.util.List;

/** The recorders active on the current thread, innermost last, as TensorFlow keeps its stack of tapes. */
public final class Recording {
    private static final ThreadLocal<List<Recorder>> ACTIVE = ThreadLocal.withInitial(ArrayList::new);

    private Recording() {
    }

    /**
     * Makes {@code recorder} hear the ops this thread runs from now on.
     *
     * @param recorder the recorder
     */
    public static void start(Recorder recorder) {
        ACTIVE.get().add(recorder);
    }

    /**
     * Stops {@code recorder} hearing ops; recorders may stop in any order.
     *
     * @param recorder the recorder
     */
    public static void stop(Recorder recorder) {
        ACTIVE.get().remove(recorder);
    }

    static List<Recorder> active() {
        return ACTIVE.get();
    }

    /**
     * Whether a recorder of this thread follows any of {@code tensors}, so that ops on them would be recorded: a
     * gradient rule may take a shortcut (a fused kernel, a reused buffer) only when nobody differentiates it.
     *
     * @param tensors the tensors
     * @return whether a recorder of this thread follows any of {@code tensors}, so that ops on them would be recorded
     */
    public static boolean follows(Tensor... tensors) {
        for (Recorder r : ACTIVE.get()) {
            for (Tensor t : tensors) {
                if (r.follows(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Hides every recorder of this thread until the returned handle is closed: what runs in between is seen by
     * no tape (a custom gradient's forward computation, say).
     *
     * @return a handle whose closing brings the recorders back
     */
    public static AutoCloseable suspend() {
        List<Recorder> active = ACTIVE.get();
        List<Recorder> hidden = new ArrayList<>(active);
        active.clear();
        return () -> active.addAll(0, hidden);
    }
}
