package dev.scratchnet.op;

/**
 * Hears about every op that runs on this thread while it is {@linkplain Recording#start started}: what a
 * gradient tape implements. Defined here so that ops can report to tapes without depending on them.
 */
public interface Recorder {
    /**
     * An op read the variable {@code variable}, whose current value is {@code value}.
     *
     * @param variable the variable
     * @param value the value
     */
    void variableRead(Variable variable, Tensor value);

    /**
     * The op {@code op} computed {@code output} from {@code inputs}, with the arguments that are not tensors in
     * {@code attributes} (axes, shapes, flags; empty for most ops); {@code rule} differentiates it.
     *
     * @param op the op's name, as {@link Ops} and {@link Nn} name their methods
     * @param attributes the op's other arguments, by name
     * @param inputs the inputs
     * @param output the op's output
     * @param rule the gradient rule
     */
    void record(String op, java.util.Map<String, Object> attributes, Tensor[] inputs, Tensor output, GradientRule rule);

    /**
     * Whether an op reading {@code tensor} now would be recorded (so that its gradient could be taken).
     *
     * @param tensor the tensor
     * @return whether an op reading {@code tensor} now would be recorded
     */
    boolean follows(Tensor tensor);
}
