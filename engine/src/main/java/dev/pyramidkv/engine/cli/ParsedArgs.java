package dev.pyramidkv.engine.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed arguments of one command. Typed getters name the option when a value is malformed
 * ({@code --max-tokens: expected an integer, got 'ten'}), as a {@link UsageException} (exit 2). Asking
 * for an option the command did not declare is a programming error ({@link IllegalArgumentException}).
 */
public final class ParsedArgs {
    private final Options options;
    private final Map<String, String> values;
    private final List<String> positionals;

    ParsedArgs(Options options, Map<String, String> values, List<String> positionals) {
        this.options = options;
        this.values = Map.copyOf(values);
        this.positionals = List.copyOf(positionals);
    }

    /** True if the flag was given. */
    public boolean flag(String name) {
        declared(name, false);
        return values.containsKey(name);
    }

    /** True if the option (flag or value) was given. */
    public boolean has(String name) {
        if (!options.isDeclared(name)) {
            throw new IllegalArgumentException("option " + name + " is not declared by this command");
        }
        return values.containsKey(name);
    }

    /** The value of a value option, if given. */
    public Optional<String> string(String name) {
        declared(name, true);
        return Optional.ofNullable(values.get(name));
    }

    public String string(String name, String fallback) {
        return string(name).orElse(fallback);
    }

    public int intValue(String name, int fallback) {
        return string(name).map(v -> parseInt(name, v)).orElse(fallback);
    }

    /** An int that must lie in [min, max]. */
    public int intValue(String name, int fallback, int min, int max) {
        int v = intValue(name, fallback);
        if (v < min || v > max) {
            throw new UsageException(name + ": expected an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    public long longValue(String name, long fallback) {
        return string(name).map(v -> {
            try {
                return Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw new UsageException(name + ": expected an integer, got '" + v + "'");
            }
        }).orElse(fallback);
    }

    public double doubleValue(String name, double fallback) {
        return string(name).map(v -> {
            try {
                double d = Double.parseDouble(v.strip());
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(name + ": expected a number, got '" + v + "'");
        }).orElse(fallback);
    }

    /** A value that must be one of {@code allowed}, e.g. {@code choice("--pooling", "max", "max", "avg")}. */
    public String choice(String name, String fallback, String... allowed) {
        String v = string(name, fallback);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UsageException(name + ": expected one of " + String.join("|", allowed) + ", got '" + v + "'");
    }

    /** Arguments that are not options, in order (only if the command declared positionals). */
    public List<String> positionals() {
        return positionals;
    }

    private void declared(String name, boolean withValue) {
        if (!options.isDeclared(name)) {
            throw new IllegalArgumentException("option " + name + " is not declared by this command");
        }
        if (options.takesValue(name) != withValue) {
            throw new IllegalArgumentException("option " + name + (withValue ? " is a flag" : " takes a value"));
        }
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": expected an integer, got '" + v + "'");
        }
    }
}
