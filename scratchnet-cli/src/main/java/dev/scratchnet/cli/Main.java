package dev.scratchnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code scratchnet} command. Usage errors exit with code 2, other failures with code 1, each with a
 * one-line message on standard error (the stack trace too with {@code --verbose}).
 */
@Command(name = "scratchnet", mixinStandardHelpOptions = true, version = "scratchnet 0.1.0",
        description = "A deep-learning engine written from scratch in pure Java.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class, ServeCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // The web server's log (Jetty, Javalin): warnings only, unless the user asks for more.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line.
     *
     * @param args the command line
     * @param out  where results go
     * @param err  where errors go
     * @return the exit code: 0, 1 for a failure, 2 for a usage error
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("scratchnet: " + e.getMessage() + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            boolean verbose = parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            if (verbose) {
                e.printStackTrace(command.getErr());
            }
            command.getErr().println("scratchnet: error: " + describe(e));
            return CommandLine.ExitCode.SOFTWARE;
        });
        try {
            return cli.execute(args);
        } catch (VirtualMachineError e) {
            // picocli hands only exceptions to the handler above; running out of memory or stack must end in one line too
            err.println("scratchnet: error: " + describe(e));
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** One line for an error: its message, with the file named where the JDK keeps it apart. */
    static String describe(Throwable e) {
        if (e instanceof java.io.UncheckedIOException u) {
            e = u.getCause();
        }
        String message = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException n) {
            message = n.getFile() + (n.getReason() != null ? ": " + n.getReason() : ": no such file");
        } else if (e instanceof java.nio.file.AccessDeniedException a) {
            message = a.getFile() + ": permission denied";
        } else if (e instanceof OutOfMemoryError) {
            message = "out of memory (" + message + "); give the JVM more with JAVA_OPTS=-Xmx...";
        } else if (e instanceof StackOverflowError) {
            message = "the input is nested too deeply (the stack overflowed)";
        }
        return (message == null ? e.getClass().getSimpleName() : message).replaceAll("\\s*\\R\\s*", " ");
    }

    /** Refuses, as a usage error naming the option, a number that is no TCP port (0, for any free one, is one). */
    static void requirePort(CommandLine.Model.CommandSpec spec, String option, int port) {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be between 0 and 65535, got " + port);
        }
    }

    /**
     * Refuses, as a usage error naming the option, a port out of range or that cannot be listened on, before the command
     * writes anything.
     */
    static void requireFreePort(CommandLine.Model.CommandSpec spec, String option, String host, int port) {
        requirePort(spec, option, port);
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host " + host + ": no such address (" + describe(e) + ")");
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, address)) {
            probe.setReuseAddress(true);
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + port + ": cannot listen on " + host + " (" + describe(e)
                    + "); give another port, or 0 for any free one");
        }
    }

    /** Without a command there is nothing to do: a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: train, eval, predict, export, serve or bench");
    }
}
