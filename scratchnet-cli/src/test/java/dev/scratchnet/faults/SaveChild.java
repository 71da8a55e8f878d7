package dev.scratchnet.faults;

import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;

import java.nio.file.Path;
import java.util.Map;

/** A process that saves a large checkpoint over and over, each time filled with the round's number: {@code FILE}. */
public final class SaveChild {
    private SaveChild() {
    }

    public static void main(String[] args) throws Exception {
        for (int round = 0; ; round++) {
            new Checkpoint(Map.of("W", Tensor.fill(DType.FLOAT32, round, 2_000_000)), Map.of("round", Integer.toString(round))).save(Path.of(args[0]));
            System.out.println("saved " + round);
        }
    }
}
