package dev.pyramidkv.engine.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options one command accepts, declared once; {@link #parse} turns arguments into {@link ParsedArgs}
 * and {@link #help} renders the {@code --help} text from the same declarations.
 *
 * <pre>
 * new Options()
 *     .modelOption()
 *     .value("--max-tokens", "N", "tokens to generate (default 256)")
 *     .flag("--json", "print one JSON object")
 * </pre>
 *
 * Syntax accepted: {@code --name value}, {@code --name=value}, flags as {@code --name}, {@code --} ends
 * the options; {@code -h} means {@code --help}. A repeated option keeps its last value. Every command
 * also accepts {@code --help} and {@code --debug} without declaring them.
 */
public final class Options {
    /** One declared option; {@code label} is null for a flag. */
    record Option(String name, String label, String help) {
        boolean takesValue() {
            return label != null;
        }
    }

    public static final String HELP = "--help";
    public static final String DEBUG = "--debug";
    public static final String MODEL = "--model";
    public static final String JSON = "--json";

    private final Map<String, Option> options = new LinkedHashMap<>();
    private String positionalLabel;
    private String positionalHelp;

    public Options() {
        flag(HELP, "show this help");
        flag(DEBUG, "print stack traces of errors (also PYRAMIDKV_DEBUG=1)");
    }

    /** Declares a flag, e.g. {@code flag("--json", "print JSON")}. */
    public Options flag(String name, String help) {
        return add(new Option(name, null, help));
    }

    /** Declares an option with a value, e.g. {@code value("--budget", "N", "tokens per layer")}. */
    public Options value(String name, String label, String help) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("option " + name + ": a value label is required");
        }
        return add(new Option(name, label, help));
    }

    /** The standard {@code --model PATH} option; resolve it with {@link CliContext#model(ParsedArgs)}. */
    public Options modelOption() {
        return value(MODEL, "PATH", "GGUF model file, or a known model name (see 'pyramidkv models');"
                + " default: $PYRAMIDKV_MODEL, else the default model, fetched on first use");
    }

    /** The standard {@code --json} flag. */
    public Options jsonOption() {
        return flag(JSON, "print the result as JSON on stdout");
    }

    /** Allows arguments that are not options (any number); without this they are a usage error. */
    public Options positionals(String label, String help) {
        this.positionalLabel = label;
        this.positionalHelp = help;
        return this;
    }

    private Options add(Option option) {
        if (!option.name().startsWith("--") || option.name().length() < 3) {
            throw new IllegalArgumentException("option name must look like --name, got '" + option.name() + "'");
        }
        if (options.putIfAbsent(option.name(), option) != null) {
            throw new IllegalArgumentException("option " + option.name() + " declared twice");
        }
        return this;
    }

    boolean isDeclared(String name) {
        return options.containsKey(name);
    }

    boolean takesValue(String name) {
        Option option = options.get(name);
        return option != null && option.takesValue();
    }

    /** Parses the arguments that follow the command name. */
    public ParsedArgs parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                if (positionalLabel == null) {
                    throw new UsageException("unexpected argument '" + arg + "'");
                }
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("-h")) {
                arg = HELP;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Option option = options.get(name);
            if (option == null) {
                throw new UsageException("unknown option " + name);
            }
            if (!option.takesValue()) {
                if (eq >= 0) {
                    throw new UsageException(name + " is a flag and takes no value, got '" + arg.substring(eq + 1) + "'");
                }
                values.put(name, "true");
            } else if (eq >= 0) {
                values.put(name, arg.substring(eq + 1));
            } else {
                // The next argument is the value, unless there is none or it is another option
                // ("--model --json" is a forgotten value, not a file called --json).
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException(name + " needs a value (" + option.label() + ")");
                }
                values.put(name, args.get(++i));
            }
        }
        return new ParsedArgs(this, values, positionals);
    }

    /** The {@code --help} text of a command. */
    public String help(String command, String summary) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: pyramidkv ").append(command).append(" [options]");
        if (positionalLabel != null) {
            sb.append(" [").append(positionalLabel).append("...]");
        }
        sb.append("\n\n").append(summary).append("\n\noptions:\n");
        int width = 0;
        for (Option o : options.values()) {
            width = Math.max(width, left(o).length());
        }
        if (positionalLabel != null) {
            width = Math.max(width, positionalLabel.length());
            sb.append(String.format("  %-" + width + "s  %s%n", positionalLabel, positionalHelp));
        }
        for (Option o : options.values()) {
            sb.append(String.format("  %-" + width + "s  %s%n", left(o), o.help()));
        }
        return sb.toString();
    }

    private static String left(Option o) {
        return o.takesValue() ? o.name() + " " + o.label() : o.name();
    }
}
