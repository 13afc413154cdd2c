package dev.pyramidkv.cache;

import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

/**
 * Whether a JFR event type is being recorded, checked without creating the event: decode paths create
 * {@link CompactionEvent} and {@link DecodeEvictionEvent} objects only while a recording wants them, so
 * the decode loop allocates nothing otherwise (without relying on escape analysis). Before JFR is
 * initialized this is one static read; afterwards one field read per check.
 */
final class CacheEvents {
    private CacheEvents() {}

    private static volatile EventType compaction, eviction, prefill;

    static boolean compactionEnabled() {
        if (!FlightRecorder.isInitialized()) return false;
        EventType t = compaction;
        if (t == null) compaction = t = EventType.getEventType(CompactionEvent.class);
        return t.isEnabled();
    }

    static boolean evictionEnabled() {
        if (!FlightRecorder.isInitialized()) return false;
        EventType t = eviction;
        if (t == null) eviction = t = EventType.getEventType(DecodeEvictionEvent.class);
        return t.isEnabled();
    }

    static boolean prefillEnabled() {
        if (!FlightRecorder.isInitialized()) return false;
        EventType t = prefill;
        if (t == null) prefill = t = EventType.getEventType(PrefillCompressionEvent.class);
        return t.isEnabled();
    }

    /** Starts timing {@code event} if there is one. */
    static <E extends Event> E begin(E event) {
        if (event != null) event.begin();
        return event;
    }
}
