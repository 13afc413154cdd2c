package dev.pyramidkv.natives;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Finds and loads the real libdnnl.so.2 installed on this machine (CI installs libdnnl2). */
class DnnlLibraryTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void loadsTheInstalledLibrary() {
        assertTrue(DnnlLibrary.isAvailable(), DnnlLibrary.unavailableReason());
        assertEquals("", DnnlLibrary.unavailableReason());
        assertTrue(DnnlLibrary.lookup().find("dnnl_primitive_execute").isPresent());
        assertTrue(DnnlLibrary.library().location().orElseThrow().contains("libdnnl.so.2"));
    }

    /** libgomp reads its wait policy when libdnnl loads it: by then the C environment says passive. */
    @Test
    void openMpThreadsSleepWhenIdleUnlessTheUserChose() {
        assertTrue(DnnlLibrary.isAvailable(), DnnlLibrary.unavailableReason());
        String chosen = System.getenv(OpenMpEnvironment.WAIT_POLICY);
        if (chosen != null) assertEquals(chosen, OpenMpEnvironment.getenv(OpenMpEnvironment.WAIT_POLICY));
        else if (System.getenv(OpenMpEnvironment.SPIN_COUNT) == null) assertEquals("passive", OpenMpEnvironment.getenv(OpenMpEnvironment.WAIT_POLICY));
    }

    @Test
    void overrideEnvironmentVariableNamesTheFileToLoad() throws Exception {
        Path real = Path.of("/usr/lib/x86_64-linux-gnu/libdnnl.so.2").toRealPath();  // libdnnl.so.2.6
        NativeLibrary lib = load(Map.of(DnnlLibrary.OVERRIDE_ENV, real.toString()), List.of());
        assertTrue(lib.isAvailable(), lib.toString());
        assertEquals(real.toString(), lib.location().orElseThrow());
    }

    /** An explicit override that does not work is an error naming it, not a silent fallback. */
    @Test
    void missingOverrideFileIsReportedAndNotSkipped(@TempDir Path tmp) {
        Path bogus = tmp.resolve("nope/libdnnl.so.2");
        NativeLibrary lib = load(Map.of(DnnlLibrary.OVERRIDE_ENV, bogus.toString()), DnnlLibrary.SYSTEM_DIRS);
        assertFalse(lib.isAvailable());
        var e = assertThrows(NativeLibraryUnavailableException.class, lib::lookup);
        assertTrue(e.getMessage().contains("PYRAMIDKV_DNNL=" + bogus), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void overrideFileThatIsNotOneDnnIsRejected(@TempDir Path tmp) throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        NativeLibrary lib = load(Map.of(DnnlLibrary.OVERRIDE_ENV, libc.toString()), List.of());
        assertFalse(lib.isAvailable());
        assertTrue(lib.unavailableReason().orElseThrow().contains("does not export dnnl_version"),
                lib.unavailableReason().orElseThrow());

        Path garbage = Files.writeString(tmp.resolve("libdnnl.so.2"), "not an ELF file");
        NativeLibrary lib2 = load(Map.of(DnnlLibrary.OVERRIDE_ENV, garbage.toString()), List.of());
        assertFalse(lib2.isAvailable());
        assertTrue(lib2.unavailableReason().orElseThrow().contains("refused"), lib2.unavailableReason().orElseThrow());
    }

    /** Nothing found: one message naming every place searched and how to install the library. */
    @Test
    void missingLibraryMessageNamesWhatWasSearchedAndWhatToDo(@TempDir Path tmp) {
        String soname = "libpyramidkv-does-not-exist.so.7";
        List<Path> dirs = List.of(tmp.resolve("a"), tmp.resolve("b"));
        NativeLibrary lib = NativeLibrary.load(soname, DnnlLibrary.OVERRIDE_ENV, dirs, "dnnl_version",
                DnnlLibrary.INSTALL_HINT, NO_ENV::get);
        assertFalse(lib.isAvailable());
        String msg = assertThrows(NativeLibraryUnavailableException.class, lib::lookup).getMessage();
        assertTrue(msg.contains(tmp.resolve("a").resolve(soname).toString()), msg);
        assertTrue(msg.contains(tmp.resolve("b").resolve(soname).toString()), msg);
        assertTrue(msg.contains("PYRAMIDKV_DNNL (not set)"), msg);
        assertTrue(msg.contains("dynamic loader"), msg);
        assertTrue(msg.contains("apt-get install libdnnl2"), msg);
        assertTrue(msg.contains("set PYRAMIDKV_DNNL"), msg);
    }

    /** With no override and empty search dirs, the dynamic loader still finds libdnnl.so.2 by soname. */
    @Test
    void fallsBackToTheDynamicLoader() {
        NativeLibrary lib = load(NO_ENV, List.of());
        assertTrue(lib.isAvailable(), lib.toString());
        assertTrue(lib.location().orElseThrow().contains("dynamic loader"));
    }

    private static NativeLibrary load(Map<String, String> env, List<Path> dirs) {
        return NativeLibrary.load(DnnlLibrary.SONAME, DnnlLibrary.OVERRIDE_ENV, dirs, DnnlLibrary.REQUIRED_SYMBOL,
                DnnlLibrary.INSTALL_HINT, env::get);
    }
}
