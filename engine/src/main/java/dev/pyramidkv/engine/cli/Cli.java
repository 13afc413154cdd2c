package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.gguf.GgufFormatException;
import dev.pyramidkv.engine.registry.ModelException;
import dev.pyramidkv.engine.registry.ModelRegistry;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line shell: picks the command, parses its options, runs it, and turns failures into
 * exit statuses. 0 success; 1 an error, printed as one line {@code pyramidkv: <message>} (with the stack
 * trace only under {@code --debug} or PYRAMIDKV_DEBUG=1); 2 a usage error, printed with the usage.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int USAGE = 2;

    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Cli(List<Command> commands) {
        for (Command c : commands) {
            if (this.commands.putIfAbsent(c.name(), c) != null) {
                throw new IllegalArgumentException("two commands are called " + c.name());
            }
        }
    }

    /**
     * Runs {@code pyramidkv args...}.
     *
     * @param registry      the model registry, or null to build the standard one from {@code env}
     * @param errIsTerminal true if stderr is a terminal (progress lines redraw in place)
     * @return the exit status
     */
    public int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, ModelRegistry registry,
                   boolean errIsTerminal) {
        List<String> argList = Arrays.asList(args);
        boolean debug = "1".equals(env.get("PYRAMIDKV_DEBUG")) || beforeDoubleDash(argList).contains(Options.DEBUG);
        CliContext context = null;
        String commandName = null;
        try {
            // Options before the command: --help, --version, --debug.
            int i = 0;
            while (i < argList.size() && argList.get(i).startsWith("-")) {
                String a = argList.get(i);
                switch (a) {
                    case "--help", "-h" -> {
                        out.print(usage());
                        return OK;
                    }
                    case "--version" -> {
                        out.print(versionReport());
                        return OK;
                    }
                    case Options.DEBUG -> i++;
                    default -> throw new UsageException("unknown option " + a + " (options go after the command)");
                }
            }
            if (i == argList.size()) {
                err.print(usage());
                return USAGE;
            }
            commandName = argList.get(i);
            List<String> rest = argList.subList(i + 1, argList.size());
            if (commandName.equals("help")) { // pyramidkv help [COMMAND]
                if (rest.isEmpty()) {
                    out.print(usage());
                    return OK;
                }
                commandName = rest.getFirst();
                rest = List.of(Options.HELP);
            }
            Command command = commands.get(commandName);
            if (command == null) {
                String unknown = commandName;
                commandName = null;
                throw new UsageException("unknown command '" + unknown + "'");
            }
            boolean wantsHelp = beforeDoubleDash(rest).contains(Options.HELP) || beforeDoubleDash(rest).contains("-h");
            if (wantsHelp) {
                out.print(command.options().help(command.name(), command.summary()));
                return OK;
            }
            ModelRegistry models = registry != null ? registry : ModelRegistry.standard(env);
            context = new CliContext(out, err, env, models, errIsTerminal);
            ParsedArgs parsed = command.options().parse(rest);
            return command.run(parsed, context);
        } catch (UsageException e) {
            closeProgress(context);
            err.println("pyramidkv: " + (commandName == null ? "" : commandName + ": ") + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            err.println();
            Command command = commandName == null ? null : commands.get(commandName);
            err.print(command == null ? usage() : command.options().help(command.name(), command.summary()));
            return USAGE;
        } catch (Throwable e) {
            closeProgress(context);
            err.println("pyramidkv: " + describe(e));
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            if (e instanceof VirtualMachineError vme && !(vme instanceof OutOfMemoryError) && !(vme instanceof StackOverflowError)) {
                throw vme; // InternalError, UnknownError: the JVM is not fit to go on
            }
            return ERROR;
        }
    }

    private static void closeProgress(CliContext context) {
        if (context != null) {
            context.closeProgressLine();
        }
    }

    /** The one-line message for an error: ours as is, others with their type so the line says what broke. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            return describe(e.getCause());
        }
        String message = e.getMessage();
        if (message != null && !message.isBlank()
                && (e instanceof CliException || e instanceof ModelException || e instanceof GgufFormatException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof UnsupportedOperationException)) {
            return message.lines().findFirst().orElse(message);
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + message + "); give the JVM more with PYRAMIDKV_JAVA_OPTS=-Xmx8g";
        }
        String type = e.getClass().getSimpleName();
        String line = message == null || message.isBlank() ? type : type + ": " + message.lines().findFirst().orElse("");
        return e instanceof RuntimeException || e instanceof Error
                ? "internal error: " + line + " (run with --debug for the stack trace)"
                : line;
    }

    private static List<String> beforeDoubleDash(List<String> args) {
        int end = args.indexOf("--");
        return end < 0 ? args : args.subList(0, end);
    }

    /** The top-level usage: the command list. */
    public String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: pyramidkv [--debug] COMMAND [options]\n");
        sb.append("       pyramidkv --version         (version, Java, Vector API and native access status)\n");
        sb.append("       pyramidkv COMMAND --help    (options of one command)\n\n");
        sb.append("commands:\n");
        int width = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Command c : commands.values()) {
            sb.append(String.format("  %-" + width + "s  %s%n", c.name(), c.summary()));
        }
        sb.append("\nenvironment: PYRAMIDKV_MODEL (model when --model is absent), PYRAMIDKV_HOME (model cache,\n");
        sb.append("default ~/.cache/pyramidkv), PYRAMIDKV_DEBUG=1 (stack traces)\n");
        return sb.toString();
    }

    /** Version, and whether this JVM runs the way pyramidkv needs (for bug reports and the launcher test). */
    static String versionReport() {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean nativeAccess = Cli.class.getModule().isNativeAccessEnabled();
        return "pyramidkv " + version() + "\n"
                + "java " + Runtime.version() + " (" + System.getProperty("java.home") + ")\n"
                + "vector api: " + (vector ? "enabled" : "missing (run with --add-modules jdk.incubator.vector)") + "\n"
                + "native access: " + (nativeAccess ? "enabled" : "restricted (run with --enable-native-access=ALL-UNNAMED)") + "\n";
    }

    static String version() {
        String v = Cli.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
