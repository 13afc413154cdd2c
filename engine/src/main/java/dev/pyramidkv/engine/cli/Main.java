package dev.pyramidkv.engine.cli;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * {@code pyramidkv}: the entry point of the jar. The engine's commands are listed here, one line each; modules
 * that depend on the engine (the server's {@code serve}) add theirs as {@link Command} services.
 */
public final class Main {
    /** The engine's commands, in the order {@code pyramidkv --help} lists them. */
    static final List<Command> COMMANDS = List.of(
            new InfoCommand(),
            new ModelsCommand(),
            new GenerateCommand(),
            new ChatCommand(),
            new ScheduleCommand(),
            new EvalCommand(),
            new BenchCommand(),
            new ProfileCommand(),
            new AnalyzeCommand());

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    private Main() {
    }

    public static void main(String[] args) {
        // Warnings of the library (e.g. "prefill runs on the Java backend") as one line like our errors, not
        // java.util.logging's two with a timestamp. Set before any logger exists; a user's setting wins.
        if (System.getProperty(LOG_FORMAT) == null) System.setProperty(LOG_FORMAT, "pyramidkv: %4$s: %5$s%6$s%n");
        List<Command> commands = Stream.concat(COMMANDS.stream(), ServiceLoader.load(Command.class).stream().map(ServiceLoader.Provider::get)).toList();
        int status = new Cli(commands).run(args, System.out, System.err, System.getenv(), null, stderrIsTerminal());
        System.out.flush();
        System.exit(status);
    }

    /** The launcher tells us (it knows before it filters stderr); without it, guess from the console. */
    private static boolean stderrIsTerminal() {
        String told = System.getProperty("pyramidkv.stderr.tty");
        if (told != null) {
            return told.equals("1");
        }
        var console = System.console();
        return console != null && console.isTerminal();
    }
}
