package dev.scratchnet.io;

import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named tensors and string metadata, saved as safetensors ({@code .safetensors}, readable by PyTorch and the
 * Hugging Face tools) or NumPy's {@code .npz}, chosen by the file's extension. Files are written whole or not at
 * all.
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /**
     * Copies both maps, keeping their order.
     *
     * @param tensors the tensors
     * @param metadata string metadata
     */
    public Checkpoint {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The tensor named {@code name}; a missing one is a format error naming the file.
     *
     * @param name the name
     * @param file the file
     * @return the tensor named {@code name}
     * @throws FileFormatException when the file is not what it should be
     */
    public Tensor require(String name, Path file) throws FileFormatException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new FileFormatException(file, -1, "has no tensor named '" + name + "' (it has " + String.join(", ", tensors.keySet()) + ")");
        }
        return t;
    }

    /**
     * The values of {@code variables} under their names, without metadata.
     *
     * @param variables the variables, with distinct names
     * @return a checkpoint holding their current values
     */
    public static Checkpoint of(List<Variable> variables) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Variable v : variables) {
            if (tensors.put(v.name(), v.value()) != null) {
                throw new IllegalArgumentException("checkpoint: two variables are named '" + v.name() + "'");
            }
        }
        return new Checkpoint(tensors, Map.of());
    }

    /**
     * Assigns each variable the tensor of its name; a missing tensor or one of another shape is an error naming the file,
     * and then no variable has changed.
     *
     * @param variables the variables to fill
     * @param file      the checkpoint's file, named in errors
     * @throws FileFormatException when a tensor is missing or does not fit its variable
     */
    public void restore(List<Variable> variables, Path file) throws FileFormatException {
        for (Variable v : variables) {
            Tensor t = require(v.name(), file);
            if (!t.shape().equals(v.shape())) {
                throw new FileFormatException(file, -1, "holds " + v.name() + " " + t.shape() + " but the model needs " + v.name() + " " + v.shape());
            }
        }
        for (Variable v : variables) {
            v.assign(tensors.get(v.name()).cast(v.dtype()));
        }
    }

    /**
     * Writes the checkpoint in the format its extension names, whole or not at all.
     *
     * @param file the file
     * @throws IOException when the file cannot be read or written
     */
    public void save(Path file) throws IOException {
        if (isNpz(file)) {
            Npz.write(file, this);
        } else if (file.toString().endsWith(".safetensors")) {
            SafeTensors.write(file, this);
        } else {
            throw new IllegalArgumentException("checkpoint " + file + ": the name must end in .safetensors or .npz");
        }
    }

    /**
     * Reads a checkpoint in the format its extension names.
     *
     * @param file the file
     * @return the tensors and metadata
     * @throws IOException when the file cannot be read or written
     */
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
