package dev.scratchnet.spark;

import java.io.Serializable;

/**
 * Makes a fresh object on an executor: the model, or the optimizer, of each replica. Spark ships it to the executors,
 * so it is serializable; a lambda whose captured values are serializable will do.
 *
 * @param <T> what it makes
 */
@FunctionalInterface
public interface Factory<T> extends Serializable {
    /**
     * A new object.
     *
     * @return a new object
     */
    T create();
}
