package dev.pyramidkv.dnnl;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The thread count of the real oneDNN (an OpenMP build on Debian) is set per calling thread. */
class OpenMpThreadsTest {

    @Test
    void setsTheCallingThreadsCountOnly() throws Exception {
        assertTrue(OpenMpThreads.isControllable(), "Debian's libdnnl2 is built with OpenMP");
        int before = OpenMpThreads.get();
        OpenMpThreads.set(1);
        assertEquals(1, OpenMpThreads.get());
        OpenMpThreads.set(3);
        assertEquals(3, OpenMpThreads.get());

        AtomicInteger other = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> other.set(OpenMpThreads.get()));
        t.join();
        assertEquals(before, other.get(), "another thread keeps the process default");
        OpenMpThreads.set(before);
    }

    @Test
    void rejectsZeroThreads() {
        var e = assertThrows(IllegalArgumentException.class, () -> OpenMpThreads.set(0));
        assertTrue(e.getMessage().contains("threads must be at least 1"), e.getMessage());
    }
}
