package dev.pyramidkv.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One native library, looked for once in a fixed order and kept loaded for the life of the JVM
 * (it lives in {@link Arena#global()}):
 * <ol>
 *   <li>the file named by an override environment variable, if that variable is set (and then
 *       nothing else: an explicit choice that does not work is an error, not a hint);</li>
 *   <li>{@code <dir>/<soname>} for each of the given system directories;</li>
 *   <li>the bare soname, through the dynamic loader (honours {@code LD_LIBRARY_PATH} and ld.so.cache).</li>
 * </ol>
 * A candidate counts only if it loads and exports {@code requiredSymbol}, so a wrong file is
 * reported as wrong rather than failing later at the first call.
 *
 * <p>Construction never throws: {@link #isAvailable()} says whether loading worked, and
 * {@link #lookup()} either returns the symbols or throws one {@link NativeLibraryUnavailableException}
 * whose message lists what was searched and what to do.
 */
@SuppressWarnings("restricted")   // loading libraries is what this class is for
public final class NativeLibrary {

    private final String soname;
    private final SymbolLookup lookup;      // null when unavailable
    private final String location;          // where it was loaded from, or null
    private final String failureMessage;    // null when available

    private NativeLibrary(String soname, SymbolLookup lookup, String location, String failureMessage) {
        this.soname = soname;
        this.lookup = lookup;
        this.location = location;
        this.failureMessage = failureMessage;
    }

    /**
     * Finds and loads a library.
     *
     * @param soname         file name to look for, e.g. {@code libdnnl.so.2}
     * @param overrideEnv    environment variable holding an explicit file path, e.g. {@code PYRAMIDKV_DNNL}
     * @param searchDirs     system directories tried in order
     * @param requiredSymbol a symbol the right library must export, e.g. {@code dnnl_version}
     * @param installHint    what to do when nothing is found, e.g. {@code install Debian's libdnnl2: apt-get install libdnnl2}
     */
    public static NativeLibrary load(String soname, String overrideEnv, List<Path> searchDirs,
                                     String requiredSymbol, String installHint) {
        return load(soname, overrideEnv, searchDirs, requiredSymbol, installHint, System::getenv);
    }

    /** As {@link #load(String, String, List, String, String)}, with the environment given explicitly. */
    static NativeLibrary load(String soname, String overrideEnv, List<Path> searchDirs,
                              String requiredSymbol, String installHint, Function<String, String> env) {
        Objects.requireNonNull(soname, "soname");
        List<String> tried = new ArrayList<>();

        String override = env.apply(overrideEnv);
        if (override != null && !override.isBlank()) {
            Path file = Path.of(override.strip());
            Attempt attempt = tryFile(file, requiredSymbol);
            if (attempt.lookup() != null) {
                return new NativeLibrary(soname, attempt.lookup(), file.toString(), null);
            }
            return new NativeLibrary(soname, null, null,
                    "Cannot load " + soname + ": " + overrideEnv + "=" + override + " " + attempt.failure()
                            + ". Point " + overrideEnv + " at a readable " + soname
                            + " file, or unset it to search the system paths.");
        }

        for (Path dir : searchDirs) {
            Path file = dir.resolve(soname);
            Attempt attempt = tryFile(file, requiredSymbol);
            if (attempt.lookup() != null) {
                return new NativeLibrary(soname, attempt.lookup(), file.toString(), null);
            }
            tried.add(file + " (" + attempt.failure() + ")");
        }

        // Last resort: let the dynamic loader resolve the soname (LD_LIBRARY_PATH, ld.so.cache).
        try {
            SymbolLookup byName = SymbolLookup.libraryLookup(soname, Arena.global());
            if (byName.find(requiredSymbol).isPresent()) {
                return new NativeLibrary(soname, byName, soname + " (via the dynamic loader)", null);
            }
            tried.add(soname + " via the dynamic loader (loaded, but does not export " + requiredSymbol + ")");
        } catch (IllegalArgumentException e) {
            tried.add(soname + " via the dynamic loader (LD_LIBRARY_PATH, ld.so.cache: not found)");
        }

        return new NativeLibrary(soname, null, null,
                "Cannot find " + soname + ". Searched: " + overrideEnv + " (not set); "
                        + String.join("; ", tried) + ". To fix: " + installHint
                        + ", or set " + overrideEnv + " to the full path of " + soname + ".");
    }

    /** Either the loaded library or why this candidate failed. */
    private record Attempt(SymbolLookup lookup, String failure) {}

    private static Attempt tryFile(Path file, String requiredSymbol) {
        if (!Files.exists(file)) return new Attempt(null, "does not exist");
        if (!Files.isRegularFile(file)) return new Attempt(null, "is not a regular file");
        if (!Files.isReadable(file)) return new Attempt(null, "is not readable");
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            return new Attempt(null, "exists but the dynamic loader refused it (" + e.getMessage() + ")");
        }
        if (lookup.find(requiredSymbol).isEmpty()) {
            return new Attempt(null, "loaded, but does not export " + requiredSymbol);
        }
        return new Attempt(lookup, null);
    }

    /** True if the library was found and loaded. */
    public boolean isAvailable() {
        return lookup != null;
    }

    /** The loaded library's symbols; throws a message naming what was searched if it is unavailable. */
    public SymbolLookup lookup() {
        if (lookup == null) throw new NativeLibraryUnavailableException(failureMessage);
        return lookup;
    }

    /** Where the library was loaded from (a path, or the soname if the dynamic loader found it). */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    /** Why the library is unavailable (empty when it is available). */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(failureMessage);
    }

    public String soname() {
        return soname;
    }

    @Override
    public String toString() {
        return isAvailable() ? soname + " loaded from " + location : soname + " unavailable: " + failureMessage;
    }
}
