package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.json.Json;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;
import dev.pyramidkv.engine.registry.ModelSource;
import dev.pyramidkv.engine.registry.ModelStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code pyramidkv models [--json] [--fetch]}: the known models, where they are, whether they are there. */
final class ModelsCommand implements Command {
    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "list the known models and where they are; --fetch [NAME...] downloads them (default: the default model)";
    }

    @Override
    public Options options() {
        return new Options()
                .jsonOption()
                .flag("--fetch", "download the named models (default: the default model) if missing or corrupt,"
                        + " with pip from PyPI, then list")
                .positionals("NAME", "models to fetch, e.g. qwen2.5-coder-0.5b");
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) {
        ModelRegistry registry = cli.models();
        if (args.flag("--fetch")) {
            List<KnownModel> wanted = args.positionals().isEmpty() ? List.of(registry.defaultModel())
                    : args.positionals().stream().map(registry::model).toList();
            for (KnownModel model : wanted) {
                registry.ensure(model, cli.progress());
            }
        } else if (!args.positionals().isEmpty()) {
            throw new UsageException("model names are for --fetch: pyramidkv models --fetch " + String.join(" ", args.positionals()));
        }
        List<ModelStatus> statuses = registry.models().stream().map(registry::status).toList();
        if (args.flag(Options.JSON)) {
            List<String> rows = new ArrayList<>();
            for (ModelStatus s : statuses) {
                KnownModel m = s.model();
                rows.add(Json.object()
                        .put("name", m.name())
                        .put("default", m == registry.defaultModel())
                        .put("present", s.present())
                        .put("status", s.state().name().toLowerCase(Locale.ROOT))
                        .put("path", s.path() == null ? null : s.path().toString())
                        .put("size_bytes", m.size())
                        .put("sha256", m.sha256())
                        .put("source", source(m))
                        .put("detail", s.detail())
                        .toString());
            }
            cli.out().println(Json.object()
                    .put("cache_dir", registry.cacheDir().toString())
                    .putRaw("models", Json.array(rows)));
        } else {
            cli.out().printf("%-18s %-8s %-8s %9s  %s%n", "NAME", "DEFAULT", "STATUS", "SIZE", "PATH");
            for (ModelStatus s : statuses) {
                KnownModel m = s.model();
                cli.out().printf(Locale.ROOT, "%-18s %-8s %-8s %6.1f MB  %s%n", m.name(), m == registry.defaultModel() ? "yes" : "",
                        s.state().name().toLowerCase(Locale.ROOT), m.size() / 1e6,
                        s.path() == null ? "(" + s.detail() + ")" : s.path());
            }
            for (ModelStatus s : statuses) {
                if (!s.present() && s.path() != null) {
                    cli.out().println(s.model().name() + ": " + s.detail()
                            + (s.model().fetchable() ? " (pyramidkv models --fetch downloads it)" : ""));
                }
            }
            cli.out().println("cache: " + registry.cacheDir());
        }
        // A model that is there but wrong is an error; a missing one is just reported (unless it was to be fetched).
        return statuses.stream().anyMatch(s -> s.state() == ModelStatus.State.CORRUPT) ? Cli.ERROR : Cli.OK;
    }

    private static String source(KnownModel m) {
        return switch (m.source()) {
            case ModelSource.PypiWheel w -> "pypi:" + w.requirement() + "!" + w.member();
            case ModelSource.PypiWheelParts w -> "pypi:" + w.parts().size() + " wheels " + w.requirement(0) + "!"
                    + w.parts().getFirst().member() + " ...";
            case ModelSource.InRepo r -> "repo:" + r.relativePath();
        };
    }
}
