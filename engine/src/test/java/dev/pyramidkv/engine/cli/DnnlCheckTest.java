package dev.pyramidkv.engine.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/dnnl.sh, the system-package checks of ./pyramidkv (oneDNN to run; oneDNN's headers, gcc, Maven
 * and pip to test), run by bash with fake `id`, `apt-get`, `mvn` and Python first on PATH, an empty
 * library directory and absent header and gcc paths; and once against this machine's real packages.
 */
class DnnlCheckTest {
    @TempDir
    Path tmp;
    Path libDir;
    Path aptLog;
    Map<String, String> env;

    @BeforeEach
    void fakeSystem() throws Exception {
        libDir = Files.createDirectories(tmp.resolve("lib"));
        aptLog = tmp.resolve("apt.log");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        ProcessRun.script(bin.resolve("id"), "echo \"$FAKE_UID\"");
        // apt-get: logs its arguments; "install" puts the library, the header and gcc in place unless told to fail.
        ProcessRun.script(bin.resolve("apt-get"), """
                echo "$*" >> "$APT_LOG"
                if [ -n "${APT_FAIL:-}" ]; then echo 'E: Unable to locate package libdnnl2' >&2; exit 100; fi
                case "$1" in install) : > "$LIB_DIR/libdnnl.so.2"; : > "$LIB_DIR/dnnl.h"
                    [ -n "${GCC_STAYS_MISSING:-}" ] || { : > "$LIB_DIR/gcc"; chmod +x "$LIB_DIR/gcc"; } ;; esac""");
        ProcessRun.script(bin.resolve("mvn"), "exit 0");
        ProcessRun.script(bin.resolve("python-with-pip"), "exit 0");
        env = new HashMap<>(Map.of(
                "PATH", bin + ":" + System.getenv("PATH"),
                "PYRAMIDKV_LDCONFIG", "",
                "PYRAMIDKV_LIB_DIRS", "/nonexistent-dir:" + libDir,
                "APT_LOG", aptLog.toString(),
                "LIB_DIR", libDir.toString(),
                "FAKE_UID", "1000",
                "PYRAMIDKV_DNNL_HEADER", libDir.resolve("dnnl.h").toString(),
                "PYRAMIDKV_GCC", libDir.resolve("gcc").toString(),
                "PYRAMIDKV_PYTHON", bin.resolve("python-with-pip").toString()));
    }

    private ProcessRun ensure() throws Exception {
        return ProcessRun.bash("dnnl.sh", "pkv_ensure_dnnl", env, List.of());
    }

    @Test
    void aLibraryInTheLibraryDirectoriesIsFoundSilently() throws Exception {
        Files.writeString(libDir.resolve("libdnnl.so.2"), "");
        ProcessRun r = ensure();
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.stderr());
        assertFalse(Files.exists(aptLog));
    }

    @Test
    void ldconfigsCacheCounts() throws Exception {
        Path ldconfig = ProcessRun.script(tmp.resolve("bin/fake-ldconfig"), """
                echo '123 libs found in cache `/etc/ld.so.cache'"'"
                echo '	libdnnl.so.2 (libc6,x86-64) => /opt/x/libdnnl.so.2'""");
        env.put("PYRAMIDKV_LDCONFIG", ldconfig.toString());
        ProcessRun r = ensure();
        assertEquals(0, r.exitCode(), r::toString);
    }

    @Test
    void missingAndNotRootPrintsTheCommandToRunAndFails() throws Exception {
        ProcessRun r = ensure();
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("pyramidkv: oneDNN's libdnnl.so.2 is not installed; install it with: sudo apt-get install libdnnl2\n",
                r.stderr());
        assertFalse(Files.exists(aptLog), "apt-get must not run when not root");
    }

    @Test
    void missingAsRootInstallsLibdnnl2AfterOneUpdate() throws Exception {
        env.put("FAKE_UID", "0");
        ProcessRun r = ensure();
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("installing libdnnl2 (apt-get update; apt-get install -y libdnnl2)"), r::toString);
        assertEquals(List.of("update", "install -y libdnnl2"), Files.readAllLines(aptLog));
        assertTrue(Files.exists(libDir.resolve("libdnnl.so.2")));
    }

    @Test
    void aFailedInstallShowsAptsErrorAndFails() throws Exception {
        env.put("FAKE_UID", "0");
        env.put("APT_FAIL", "1");
        ProcessRun r = ensure();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("E: Unable to locate package libdnnl2"), r::toString);
        assertTrue(r.stderr().contains("pyramidkv: installing libdnnl2 failed"), r::toString);
    }

    private ProcessRun ensureTestDeps() throws Exception {
        return ProcessRun.bash("dnnl.sh", "pkv_ensure_test_deps", env, List.of());
    }

    @Test
    void theTestsNeedHeadersAndGccAndNotRootPrintsTheOneCommand() throws Exception {
        ProcessRun r = ensureTestDeps();
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("pyramidkv: the tests need libdnnl2 libdnnl-dev gcc, not installed; install them with: "
                + "sudo apt-get install libdnnl2 libdnnl-dev gcc\n", r.stderr());
        assertFalse(Files.exists(aptLog), "apt-get must not run when not root");
    }

    @Test
    void theTestsNeedPipToo() throws Exception {
        Files.writeString(libDir.resolve("libdnnl.so.2"), "");
        Files.writeString(libDir.resolve("dnnl.h"), "");
        Files.writeString(libDir.resolve("gcc"), "");
        assertTrue(libDir.resolve("gcc").toFile().setExecutable(true));
        env.put("PYRAMIDKV_PYTHON", tmp.resolve("no-such-python").toString());
        ProcessRun r = ensureTestDeps();
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("pyramidkv: the tests need python3-pip, not installed; install it with: sudo apt-get install python3-pip\n",
                r.stderr());
    }

    @Test
    void asRootTheTestPackagesAreInstalledInOneGo() throws Exception {
        env.put("FAKE_UID", "0");
        ProcessRun r = ensureTestDeps();
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("update", "install -y libdnnl2 libdnnl-dev gcc"), Files.readAllLines(aptLog));
        // Nothing missing any more: a second run is silent and installs nothing.
        ProcessRun again = ensureTestDeps();
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals("", again.stderr());
        assertEquals(2, Files.readAllLines(aptLog).size());
    }

    @Test
    void asRootAnInstallThatLeavesSomethingMissingFails() throws Exception {
        env.put("FAKE_UID", "0");
        env.put("GCC_STAYS_MISSING", "1");
        ProcessRun r = ensureTestDeps();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().endsWith("pyramidkv: apt-get ran but the tests still lack gcc\n"), r::toString);
    }

    @Test
    void thisMachineHasWhatTheTestsNeed() throws Exception {
        // The real check, as ./pyramidkv test runs it; we are running the tests, so nothing may be missing.
        ProcessRun r = ProcessRun.bash("dnnl.sh", "pkv_missing_test_packages", Map.of(), List.of());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("\n", r.stdout(), r::toString);
    }

    @Test
    void thisMachineHasOneDnn() throws Exception {
        // The real check, as ./pyramidkv runs it: oneDNN is a requirement, installed by .ci/run.
        ProcessRun r = ProcessRun.bash("dnnl.sh", "pkv_have_dnnl", Map.of(), List.of());
        assertEquals(0, r.exitCode(), r::toString);
    }
}
