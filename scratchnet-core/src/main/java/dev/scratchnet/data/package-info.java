/**
 * Data in: the IDX format ({@link dev.scratchnet.data.Idx}, {@link dev.scratchnet.data.IdxDataset}),
 * {@link dev.scratchnet.data.Mnist} and the {@link dev.scratchnet.data.Fetcher} that brings its files into a cache
 * (checked against their SHA-256), the input pipeline {@link dev.scratchnet.data.Dataset} (like {@code tf.data}), and
 * {@link dev.scratchnet.data.DigitImages}, which prepares a picture of a digit as MNIST was made.
 *
 * <p>Readers check what a file declares against its length before allocating, and report problems as a
 * {@link dev.scratchnet.data.FileFormatException} naming the file and the byte.
 */
package dev.scratchnet.data;
