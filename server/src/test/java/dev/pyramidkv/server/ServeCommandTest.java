package dev.pyramidkv.server;

import dev.pyramidkv.engine.cli.Cli;
import dev.pyramidkv.engine.cli.Command;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.*;

/** {@code serve} as the engine's CLI finds and runs it. */
class ServeCommandTest {
    @Test
    void theEnginesCliFindsServeAsAService() {
        assertTrue(ServiceLoader.load(Command.class).stream().anyMatch(p -> p.type() == ServeCommand.class));
    }

    @Test
    void aWrongSizeIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = new Cli(List.of(new ServeCommand())).run(new String[] {"serve", "--model", "stories260K", "--max-kv-bytes", "lots"},
                System.out, errStream, Map.of(), null, false);
        assertEquals(Cli.USAGE, status, err::toString);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--max-kv-bytes: expected a positive size such as 65536, 512m or 2g, got 'lots'"), err::toString);
    }
}
