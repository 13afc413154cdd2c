package dev.pyramidkv.natives;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.List;

/**
 * oneDNN 2.x ({@code libdnnl.so.2}), loaded once on first use.
 *
 * <p>Search order: the file named by {@code PYRAMIDKV_DNNL}; then {@code libdnnl.so.2} in
 * {@link #SYSTEM_DIRS}; then the dynamic loader. Callers that can fall back to a Java backend check
 * {@link #isAvailable()} and log {@link #unavailableReason()} once; callers that cannot call
 * {@link #lookup()}, which throws with the same message.
 *
 * <p>Before loading, OpenMP's idle threads are told to sleep rather than spin unless the environment
 * says otherwise (see {@link OpenMpEnvironment}).
 */
public final class DnnlLibrary {

    public static final String SONAME = "libdnnl.so.2";
    public static final String OVERRIDE_ENV = "PYRAMIDKV_DNNL";
    public static final String INSTALL_HINT = "install Debian's libdnnl2: apt-get install libdnnl2";
    public static final List<Path> SYSTEM_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib64"),
            Path.of("/usr/lib"),
            Path.of("/usr/local/lib"));
    /** Every oneDNN 2.x build exports this; a file without it is not oneDNN. */
    static final String REQUIRED_SYMBOL = "dnnl_version";

    private DnnlLibrary() {}

    private static final class Holder {
        static final NativeLibrary LIBRARY = load();

        private static NativeLibrary load() {
            OpenMpEnvironment.preferPassiveWaiting();   // read by libgomp when libdnnl pulls it in
            return NativeLibrary.load(SONAME, OVERRIDE_ENV, SYSTEM_DIRS, REQUIRED_SYMBOL, INSTALL_HINT);
        }
    }

    public static NativeLibrary library() {
        return Holder.LIBRARY;
    }

    public static boolean isAvailable() {
        return Holder.LIBRARY.isAvailable();
    }

    /** The symbols of libdnnl; throws {@link NativeLibraryUnavailableException} naming what was searched. */
    public static SymbolLookup lookup() {
        return Holder.LIBRARY.lookup();
    }

    /** Why oneDNN cannot be used, or the empty string if it can. */
    public static String unavailableReason() {
        return Holder.LIBRARY.unavailableReason().orElse("");
    }
}
