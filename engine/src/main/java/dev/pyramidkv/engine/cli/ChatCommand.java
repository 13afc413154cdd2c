package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.CacheMemory;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code pyramidkv chat}: an interactive, multi-turn conversation through the model's chat template. One
 * session keeps the KV cache across turns; {@code /reset} starts over, {@code /exit} (or end of input) quits.
 */
final class ChatCommand implements Command {
    @Override
    public String name() { return "chat"; }

    @Override
    public String summary() { return "chat with the model through its chat template"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--system", "TEXT", "a system message to start the conversation with")
                .flag("--quiet", "no per-turn statistics on stderr");
        return RunOptions.session(RunOptions.sampling(RunOptions.policy(o)));
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        PolicyConfig policy = RunOptions.policy(args);
        GenerationParams params = RunOptions.sampling(args);
        boolean quiet = args.flag("--quiet");
        PrintStream out = cli.out();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Engine engine = Engine.load(cli.model(args));
             Session session = engine.newSession(RunOptions.session(args, policy, 4 * params.maxTokens()))) {
            String system = args.string("--system", null);
            if (system != null) session.startChat(system);
            cli.err().println("chat with " + engine.path().getFileName() + " (" + policy.label() + "); /reset starts over, /exit quits");
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                if (line.strip().equals("/reset")) {
                    session.reset();
                    if (system != null) session.startChat(system);
                    cli.err().println("(conversation reset)");
                    continue;
                }
                Generation g;
                try {
                    g = session.chat(line, params, text -> { out.print(text); out.flush(); });
                } catch (IllegalArgumentException e) {
                    cli.err().println("pyramidkv: " + e.getMessage() + " (/reset to start over)");
                    continue;
                }
                out.println();
                if (!quiet) {
                    CacheMemory mem = session.memory();
                    cli.err().printf("[%d tokens in context; %.1f tok/s decode; KV %s live of %s full]%n", session.position(),
                            g.decodeTokensPerSecond(), GenerateCommand.bytes(mem.liveKvBytes()), GenerateCommand.bytes(mem.fullEquivalentBytes()));
                }
            }
        }
        return 0;
    }
}
