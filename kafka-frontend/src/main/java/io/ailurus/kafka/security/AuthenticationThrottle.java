package io.ailurus.kafka.security;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down password guessing: a failed authentication is answered after a delay that doubles with each recent
 * failure from the same address (Kafka's connection.failed.authentication.delay.ms, 100 ms, made progressive), up to
 * a cap. Remembers a bounded number of addresses, so a flood of sources cannot grow it without limit.
 */
public final class AuthenticationThrottle {

    private static final int MAX_ADDRESSES = 10_000;
    private static final long FORGET_AFTER_MS = 60_000;

    private record Failures(int count, long lastMs) {
    }

    private final long baseDelayMs;
    private final long maxDelayMs;
    private final Map<InetAddress, Failures> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<InetAddress, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public AuthenticationThrottle(final long baseDelayMs, final long maxDelayMs) {
        this.baseDelayMs = baseDelayMs;
        this.maxDelayMs = maxDelayMs;
    }

    /** Records a failure from {@code address}; returns how long to wait before answering it. */
    public synchronized long failed(final InetAddress address, final long nowMs) {
        final Failures previous = recent.get(address);
        final int count = previous == null || nowMs - previous.lastMs() > FORGET_AFTER_MS ? 1 : previous.count() + 1;
        recent.put(address, new Failures(count, nowMs));
        final int doublings = Math.min(count - 1, 20);
        return Math.min(maxDelayMs, baseDelayMs << doublings);
    }
}
