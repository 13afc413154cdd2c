package dev.pyramidkv.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How many CPUs other processes kept busy over a short window: the busy time in {@code /proc/stat} minus this
 * process's own ({@code /proc/self/stat}), as a share of all CPUs' time. A benchmark on a loaded machine measures
 * the scheduler; llama.cpp's threads spin at barriers, so its multi-thread figures collapse when another
 * process takes a core.
 */
record MachineLoad(int cpus, double otherBusyCpus, Duration window) {
    static final String SOURCE = "/proc/stat minus this process";

    /** Measures over {@code window}; null where {@code /proc} cannot be read (not Linux). */
    static MachineLoad measure(Duration window) {
        try {
            long[] before = ticks();
            Thread.sleep(window);
            long[] after = ticks();
            long total = after[0] - before[0], busy = after[1] - before[1], self = after[2] - before[2];
            int cpus = (int) after[3];
            double others = total <= 0 ? 0 : Math.max(0, busy - self) * (double) cpus / total;
            return new MachineLoad(cpus, others, window);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** True when fewer CPUs are free than {@code threads} (with a fifth of a CPU for background noise). */
    boolean competes(int threads) {
        return cpus - otherBusyCpus < threads - 0.2;
    }

    String describe() {
        return String.format("other processes kept %.2f of %d CPUs busy over %.1f s (%s)",
                otherBusyCpus, cpus, window.toMillis() / 1000.0, SOURCE);
    }

    /**
     * All CPUs' time, their busy time and this process's CPU time, in clock ticks, and the CPU count.
     * /proc/stat's first line: "cpu user nice system idle iowait irq softirq steal guest guest_nice" (guest time
     * is already inside user); /proc/self/stat: utime and stime are fields 14 and 15, counted after the
     * command name, which is in parentheses and may hold spaces.
     */
    private static long[] ticks() throws IOException {
        List<String> stat = Files.readAllLines(Path.of("/proc/stat"));
        String[] f = stat.getFirst().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) total += Long.parseLong(f[i]);
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        long cpus = stat.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        String self = Files.readString(Path.of("/proc/self/stat"));
        String[] s = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
        long selfTicks = Long.parseLong(s[11]) + Long.parseLong(s[12]);   // fields 14 and 15; s[0] is field 3
        return new long[]{total, total - idle, selfTicks, cpus};
    }
}
