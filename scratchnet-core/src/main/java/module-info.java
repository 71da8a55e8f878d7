/**
 * The scratchnet engine. Depends on the JDK alone: {@code java.desktop} for reading digit pictures, and the
 * incubating Vector API ({@code jdk.incubator.vector}) when the runtime has it: run with
 * {@code --add-modules jdk.incubator.vector} for the fast kernels; without it the portable kernels give the same
 * numbers many times slower, and a one-line notice on standard error says so.
 */
@SuppressWarnings("module") // the kernels are exported to the tool's module, which is built after this one
module dev.scratchnet {
    requires static jdk.incubator.vector;
    requires transitive java.desktop;

    exports dev.scratchnet.tensor;
    exports dev.scratchnet.op;
    exports dev.scratchnet.autodiff;
    exports dev.scratchnet.graph;
    exports dev.scratchnet.optim;
    exports dev.scratchnet.layers;
    exports dev.scratchnet.data;
    exports dev.scratchnet.io;
    exports dev.scratchnet.models;
    exports dev.scratchnet.kernel to dev.scratchnet.cli;
}
