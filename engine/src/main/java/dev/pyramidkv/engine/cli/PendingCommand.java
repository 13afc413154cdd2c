package dev.pyramidkv.engine.cli;

/**
 * A command whose name is reserved (scripts depend on the names) but that does not work yet: it says
 * so and exits with status 1, whatever its arguments (the shell does not parse them, since the real
 * command's options do not exist yet); {@code --help} still works. Replace its line in {@link Main#COMMANDS} with the
 * real command when that lands.
 */
final class PendingCommand implements Command {
    private final String name;
    private final String summary;
    private final String tracking;

    /** @param tracking where the work is tracked, e.g. "issue #7", or null if nowhere yet */
    PendingCommand(String name, String summary, String tracking) {
        this.name = name;
        this.summary = summary;
        this.tracking = tracking;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary + " [not implemented yet]";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) {
        throw new CliException(name + ": not implemented yet" + (tracking == null ? "" : " (" + tracking + ")"));
    }
}
