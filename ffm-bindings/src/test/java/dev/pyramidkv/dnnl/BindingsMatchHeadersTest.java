package dev.pyramidkv.dnnl;

import dev.pyramidkv.natives.CProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every size, alignment, offset, constant and function prototype the Java bindings assume, checked
 * against native/src/test/c/dnnl_probe.c compiled with gcc against the installed oneDNN headers.
 *
 * <p>The Java side is collected by reflection, not listed by hand: every public layout field and
 * every public static final int/long of {@link dnnl_h}, every struct class of this package (a class
 * with a static {@code layout()} returning a {@link GroupLayout}) walked member by member, and every
 * function holder class. Both sides must name the same facts, so a binding added without a probe
 * line fails here, as does a probe line without a binding.
 */
class BindingsMatchHeadersTest {

    static final Path HEADER = Path.of("/usr/include/oneapi/dnnl/dnnl.h");

    static Map<String, String> probe;

    @BeforeAll
    static void runProbe(@TempDir Path tmp) {
        assertTrue(Files.isRegularFile(HEADER), "oneDNN headers are missing (" + HEADER + " not found): "
                + "install the development package, apt-get install libdnnl-dev (CI does this)");
        probe = new TreeMap<>();
        for (String line : CProbe.compileAndRun(CProbe.source("dnnl_probe.c"), tmp, List.of("-I/usr/include"))) {
            int sp1 = line.indexOf(' '), sp2 = line.indexOf(' ', sp1 + 1);
            String key = line.substring(0, sp2);   // e.g. "field dnnl_memory_desc_t.dims"
            assertNull(probe.put(key, line.substring(sp2 + 1)), "probe prints " + key + " twice");
        }
    }

    @Test
    void typedefSizesAndAlignmentsMatch() {
        compare("typedef", javaTypedefs());
    }

    @Test
    void structSizesAlignmentsAndEveryMemberOffsetMatch() throws Exception {
        Map<String, String> java = new TreeMap<>();
        List<Class<?>> structs = structClasses();
        assertTrue(structs.size() >= 9, "expected the struct classes, found " + structs);
        for (Class<?> c : structs) {
            GroupLayout layout = (GroupLayout) c.getMethod("layout").invoke(null);
            assertEquals(c.getSimpleName(), layout.name().orElseThrow(), "layout name of " + c);
            java.put("struct " + c.getSimpleName(), layout.byteSize() + " " + layout.byteAlignment());
            walk(c.getSimpleName(), layout, 0, java);
            assertEquals(layout.byteSize(), (long) c.getMethod("sizeof").invoke(null));
        }
        compare("struct", filter(java, "struct "));
        compare("field", filter(java, "field "));
    }

    @Test
    void constantsMatch() throws Exception {
        Map<String, String> java = new TreeMap<>();
        for (Field f : dnnl_h.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || !Modifier.isFinal(mod)) continue;
            if (f.getType() == int.class || f.getType() == long.class) {
                java.put("const " + f.getName(), String.valueOf(((Number) f.get(null)).longValue()));
            }
        }
        assertTrue(java.size() > 50, "found only " + java.size() + " constants");
        compare("const", java);
    }

    /** Each holder's descriptor carries what the C prototype needs, and its wrapper has the matching Java types. */
    @Test
    void functionPrototypesMatch() throws Exception {
        Map<String, String> java = new TreeMap<>();
        for (Class<?> holder : dnnl_h.class.getDeclaredClasses()) {
            Field descField = holder.getDeclaredField("DESC");
            descField.setAccessible(true);
            FunctionDescriptor desc = (FunctionDescriptor) descField.get(null);
            String name = holder.getSimpleName();
            StringBuilder sig = new StringBuilder(desc.returnLayout().map(BindingsMatchHeadersTest::carrier).orElse("void"));
            sig.append('(');
            for (int i = 0; i < desc.argumentLayouts().size(); i++) {
                if (i > 0) sig.append(',');
                sig.append(carrier(desc.argumentLayouts().get(i)));
            }
            java.put("function " + name, sig.append(')').toString());

            MethodType expected = desc.toMethodType();
            Method wrapper = dnnl_h.class.getMethod(name, expected.parameterArray());
            assertEquals(expected.returnType(), wrapper.getReturnType(), "return type of wrapper " + name);
            assertTrue(Modifier.isStatic(wrapper.getModifiers()), name);
        }
        assertTrue(java.size() >= 30, "found only " + java.size() + " functions");
        compare("function", java);
    }

    /** The library on this machine is the version the headers (and so the bindings) describe. */
    @Test
    void loadedLibraryVersionMatchesHeaders() {
        Dnnl.Version v = Dnnl.version();
        assertEquals(probe.get("const DNNL_VERSION_MAJOR"), String.valueOf(v.major()));
        assertEquals(probe.get("const DNNL_VERSION_MINOR"), String.valueOf(v.minor()));
        assertEquals(probe.get("const DNNL_VERSION_PATCH"), String.valueOf(v.patch()));
    }

    // ---- the Java side, by reflection -----------------------------------------------------------

    private static Map<String, String> javaTypedefs() {
        Map<String, String> java = new TreeMap<>();
        for (Field f : dnnl_h.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && MemoryLayout.class.isAssignableFrom(f.getType())) {
                try {
                    MemoryLayout l = (MemoryLayout) f.get(null);
                    java.put("typedef " + f.getName(), l.byteSize() + " " + l.byteAlignment());
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return java;
    }

    /** Members of structs are checked by offset and size; anonymous unions are walked into. */
    private static void walk(String path, GroupLayout group, long base, Map<String, String> out) {
        long offset = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            long at = base + (group instanceof UnionLayout ? 0 : offset);
            if (!(member instanceof PaddingLayout)) {
                String name = path + "." + member.name().orElseThrow(() -> new AssertionError("unnamed member in " + path));
                out.put("field " + name, (at) + " " + member.byteSize());
                if (member instanceof UnionLayout u) walk(name, u, at, out);
            }
            offset += member.byteSize();
        }
    }

    /** Classes of this package with a static layout() returning a GroupLayout: the struct bindings. */
    private static List<Class<?>> structClasses() throws Exception {
        Path classes = Path.of(dnnl_h.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = classes.resolve("dev/pyramidkv/dnnl");
        assertTrue(Files.isDirectory(pkg), "expected compiled classes in " + pkg);
        List<Class<?>> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path p : files.sorted().toList()) {
                String file = p.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$")) continue;
                Class<?> c = Class.forName("dev.pyramidkv.dnnl." + file.substring(0, file.length() - 6));
                try {
                    Method m = c.getMethod("layout");
                    if (Modifier.isStatic(m.getModifiers()) && GroupLayout.class.isAssignableFrom(m.getReturnType())) {
                        result.add(c);
                    }
                } catch (NoSuchMethodException notAStruct) {
                    // not a struct binding
                }
            }
        }
        return result;
    }

    private static String carrier(MemoryLayout l) {
        if (l.equals(dnnl_h.C_INT)) return "C_INT";
        if (l.equals(dnnl_h.C_LONG)) return "C_LONG";
        if (l.equals(dnnl_h.C_FLOAT)) return "C_FLOAT";
        if (l instanceof AddressLayout) return "C_POINTER";
        return "unexpected layout " + l;
    }

    // ---- comparison --------------------------------------------------------------------------------

    private static Map<String, String> filter(Map<String, String> m, String prefix) {
        Map<String, String> r = new TreeMap<>();
        m.forEach((k, v) -> { if (k.startsWith(prefix)) r.put(k, v); });
        return r;
    }

    /** Both directions: same facts named, same values. Reports every difference at once. */
    private static void compare(String kind, Map<String, String> java) {
        Map<String, String> c = filter(probe, kind + " ");
        List<String> problems = new ArrayList<>();
        java.forEach((k, v) -> {
            if (!c.containsKey(k)) problems.add(k + ": Java assumes " + v + " but dnnl_probe.c does not check it (add it there)");
            else if (!c.get(k).equals(v)) problems.add(k + ": Java assumes " + v + ", the headers say " + c.get(k));
        });
        c.forEach((k, v) -> {
            if (!java.containsKey(k)) problems.add(k + ": dnnl_probe.c checks it (" + v + ") but the Java bindings lack it");
        });
        assertTrue(problems.isEmpty(), problems.size() + " " + kind + " mismatch(es):\n  " + String.join("\n  ", problems));
        assertFalse(java.isEmpty(), "no " + kind + " facts found on the Java side");
    }

    @Test
    void structAccessorsUseTheCheckedOffsets() {
        // The accessors read through the same layout the checks above walk; spot-check one nested path.
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment md = dnnl_memory_desc_t.allocate(arena);
            MemorySegment blocking = dnnl_memory_desc_t.format_desc(md);   // union, at the blocking member
            dnnl_blocking_desc_t.inner_nblks(blocking, 3);
            assertEquals(3, md.get(ValueLayout.JAVA_INT, Long.parseLong(
                    probe.get("field dnnl_memory_desc_t.format_desc").split(" ")[0])
                    + Long.parseLong(probe.get("field dnnl_blocking_desc_t.inner_nblks").split(" ")[0])));
        }
    }
}
