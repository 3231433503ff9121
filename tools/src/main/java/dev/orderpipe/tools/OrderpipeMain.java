package dev.orderpipe.tools;

import dev.orderpipe.pipeline.BuildInfo;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OperatorError;
import dev.orderpipe.pipeline.PipelineFailedException;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.replay.ReplayException;
import dev.orderpipe.tools.cli.BenchCommand;
import dev.orderpipe.tools.cli.CompareCommand;
import dev.orderpipe.tools.cli.DemoCommand;
import dev.orderpipe.tools.cli.DumpCommand;
import dev.orderpipe.tools.cli.ExportCommand;
import dev.orderpipe.tools.cli.GatewayCommand;
import dev.orderpipe.tools.cli.ReplayCommand;
import dev.orderpipe.tools.cli.ReplicaCommand;
import dev.orderpipe.tools.cli.ReplicateCommand;
import dev.orderpipe.tools.cli.ReportCommand;
import dev.orderpipe.tools.cli.GenerateCommand;
import dev.orderpipe.tools.cli.RunCommand;
import dev.orderpipe.tools.cli.SessionCommand;
import dev.orderpipe.tools.cli.StatsCommand;
import dev.orderpipe.tools.cli.SubmitCommand;
import dev.orderpipe.tools.cli.TailCommand;
import dev.orderpipe.tools.cli.UserException;
import dev.orderpipe.tools.cli.RetainCommand;
import dev.orderpipe.tools.cli.VerifyCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * The {@code orderpipe} command: one picocli command with a subcommand per job. Errors a user can cause end in one
 * line on stderr with exit code {@link ExitCodes#USAGE} or {@link ExitCodes#FAILURE}; stack traces are for bugs.
 */
@Command(name = "orderpipe", mixinStandardHelpOptions = true, versionProvider = OrderpipeMain.Version.class,
        description = {"A persisted, zero-garbage order pipeline on Chronicle Queue, with replay and latency reports.",
                "File formats: docs/formats.md. Shell completion: source <(orderpipe generate-completion). Log level"
                + " (warn by default): ORDERPIPE_JAVA_OPTS=-Dorg.slf4j.simpleLogger.log.dev.orderpipe=info."},
        subcommands = {
                RunCommand.class,
                DemoCommand.class,
                GenerateCommand.class,
                ReplayCommand.class,
                ReportCommand.class,
                CompareCommand.class,
                BenchCommand.class,
                ExportCommand.class,
                DumpCommand.class,
                StatsCommand.class,
                SubmitCommand.class,
                SessionCommand.class,
                TailCommand.class,
                GatewayCommand.class,
                VerifyCommand.class,
                RetainCommand.class,
                ReplicateCommand.class,
                ReplicaCommand.class,
                CommandLine.HelpCommand.class,
                AutoComplete.GenerateCompletion.class
        })
public final class OrderpipeMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line and returns its exit code (for tests: in-process, output captured). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        return cl.execute(args);
    }

    /** The configured picocli command line. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new OrderpipeMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli skips its unmatched-argument check when --help is given, so `orderpipe nosuch --help` would print
        // the top-level help and exit 0: an unknown command is a usage error whatever follows it
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parseResult -> {
            if (!parseResult.hasSubcommand() && !parseResult.unmatched().isEmpty())
                throw new CommandLine.UnmatchedArgumentException(parseResult.commandSpec().commandLine(),
                        parseResult.unmatched());
            return runLast.execute(parseResult);
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("orderpipe: " + usageMessage(ex));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String message = userMessage(ex);
            if (message != null) {
                c.getErr().println("orderpipe: " + message);
                if (ex instanceof UserException)
                    return ((UserException) ex).exitCode();
                if (ex instanceof ReplayException)
                    return ((ReplayException) ex).exitCode();
                return ExitCodes.FAILURE;
            }
            c.getErr().println("orderpipe: internal error (a bug, please report it with this trace):");
            ex.printStackTrace(c.getErr());
            return ExitCodes.FAILURE;
        });
        return cl;
    }

    /** The message for a usage error: an unknown command names the command and lists the commands there are. */
    private static String usageMessage(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException && c.getParent() == null) {
            String first = ((CommandLine.UnmatchedArgumentException) ex).getUnmatched().get(0);
            if (!first.startsWith("-"))
                return "unknown command '" + first + "'; the commands are: "
                        + String.join(", ", c.getSubcommands().keySet());
        }
        return ex.getMessage();
    }

    /**
     * A one-line message for errors a user can cause, or null for bugs (then printed with their stack trace). Only
     * the types made for a user's mistake count: an {@link IllegalArgumentException} from library code is a bug.
     */
    static String userMessage(Throwable ex) {
        if (ex instanceof UserException || ex instanceof ConfigException || ex instanceof ReplayException
                || ex instanceof OperatorError)
            return ex.getMessage();
        if (ex instanceof PipelineFailedException && ((PipelineFailedException) ex).isOperatorError())
            return ex.getMessage();
        // an I/O error (no such file, no permission, no space) is the environment's, and its message names the file
        if (ex instanceof UncheckedIOException) {
            if (ex.getCause() instanceof NoSuchFileException)
                return "no such file: " + ex.getCause().getMessage();
            return ex.getMessage();
        }
        return null;
    }

    /** The version and commit the build stamped ({@link BuildInfo}), and the Java running it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"orderpipe " + BuildInfo.current().describe(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
