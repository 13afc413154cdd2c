package dev.pyramidkv.engine.cli;

/**
 * One subcommand of {@code pyramidkv}. To add one: write a class implementing this, and add one line
 * to {@link Main#COMMANDS}.
 *
 * <pre>
 * final class ScheduleCommand implements Command {
 *     public String name() { return "schedule"; }
 *     public String summary() { return "print the per-layer KV budgets of a policy"; }
 *     public Options options() {
 *         return new Options().jsonOption().value("--budget", "N", "average tokens per layer (default 128)");
 *     }
 *     public int run(ParsedArgs args, CliContext cli) {
 *         int budget = args.intValue("--budget", 128, 1, Integer.MAX_VALUE);
 *         cli.out().println(...);
 *         return 0;
 *     }
 * }
 * </pre>
 *
 * The shell handles {@code --help} and {@code --debug}, usage errors (exit 2) and turns any exception
 * thrown by {@link #run} into one line {@code pyramidkv: <message>} on stderr with exit status 1.
 */
public interface Command {
    /** The word after {@code pyramidkv}, e.g. {@code info}. */
    String name();

    /** One line for the command list of {@code pyramidkv --help}. */
    String summary();

    /** The options this command accepts ({@code --help} and {@code --debug} are always there). */
    Options options();

    /**
     * Runs the command. Results go to {@code cli.out()}, progress and warnings to {@code cli.err()}.
     *
     * @return the exit status (0 = success)
     */
    int run(ParsedArgs args, CliContext cli) throws Exception;
}
