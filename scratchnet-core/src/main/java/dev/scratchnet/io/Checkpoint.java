package dev.scratchnet.io;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors and string metadata, saved as safetensors ({@code .safetensors}, readable by PyTorch and the
 * Hugging Face tools) or NumPy's {@code .npz}, chosen by the file's extension. Files are written whole or not at
 * all.
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Checkpoint {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensor named {@code name}; a missing one is a format error naming the file. */
    public Tensor require(String name, Path file) throws FileFormatException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new FileFormatException(file, -1, "has no tensor named '" + name + "' (it has " + String.join(", ", tensors.keySet()) + ")");
        }
        return t;
    }

    public void save(Path file) throws IOException {
        if (isNpz(file)) {
            Npz.write(file, this);
        } else if (file.toString().endsWith(".safetensors")) {
            SafeTensors.write(file, this);
        } else {
            throw new IllegalArgumentException("checkpoint " + file + ": the name must end in .safetensors or .npz");
        }
    }

    public static Checkpoint load(Path file) throws IOException {
        if (isNpz(file)) {
            return Npz.read(file);
        } else if (file.toString().endsWith(".safetensors")) {
            return SafeTensors.read(file);
        }
        throw new IllegalArgumentException("checkpoint " + file + ": the name must end in .safetensors or .npz");
    }

    private static boolean isNpz(Path file) {
        return file.toString().endsWith(".npz");
    }
}
