package dev.scratchnet.data;

import dev.scratchnet.op.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A data set in MNIST's four-file IDX layout ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or with {@code .gz}), as
 * {@code tf.keras.datasets.mnist.load_data()} returns it: uint8 images [n, rows, cols] and uint8 labels [n].
 */
public record IdxDataset(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest) {
    /** The four file names, without {@code .gz}. */
    public static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    /**
     * Reads the four files from {@code dir}, checking that images and labels agree.
     *
     * @param dir the folder
     * @return the training and test images and labels
     * @throws IOException when the file cannot be read or written
     */
    public static IdxDataset load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory holding IDX files");
        }
        Tensor[] t = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            t[i] = Idx.read(locate(dir, FILES[i]));
        }
        checkPair(locate(dir, FILES[0]), t[0], locate(dir, FILES[1]), t[1]);
        checkPair(locate(dir, FILES[2]), t[2], locate(dir, FILES[3]), t[3]);
        if (!t[2].shape().withFirst(t[0].dim(0)).equals(t[0].shape())) {
            throw new FileFormatException(locate(dir, FILES[2]), -1, "test images " + t[2].shape() + " do not have the training images' shape "
                    + t[0].shape() + " apart from their count");
        }
        return new IdxDataset(t[0], t[1], t[2], t[3]);
    }

    /**
     * The path of {@code name} or {@code name.gz} in {@code dir}.
     *
     * @param dir the folder
     * @param name the name
     * @return the path of {@code name} or {@code name.gz} in {@code dir}
     * @throws NoSuchFileException when no such file is there
     */
    public static Path locate(Path dir, String name) throws NoSuchFileException {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(name).toString(), null, "missing (also looked for " + name + ".gz)");
    }

    private static void checkPair(Path imagesFile, Tensor images, Path labelsFile, Tensor labels) throws FileFormatException {
        if (images.rank() < 2) {
            throw new FileFormatException(imagesFile, -1, "images have shape " + images.shape() + ", expected [count, rows, cols]");
        }
        if (labels.rank() != 1) {
            throw new FileFormatException(labelsFile, -1, "labels have shape " + labels.shape() + ", expected [count]");
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new FileFormatException(labelsFile, -1, labels.dim(0) + " labels for the " + images.dim(0) + " images of " + imagesFile);
        }
    }
}
