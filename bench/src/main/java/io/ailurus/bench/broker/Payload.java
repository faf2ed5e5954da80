package io.ailurus.bench.broker;

import java.util.Random;

/**
 * The record value every send uses: random bytes (incompressible, though the producer does not compress), built once
 * with a fixed seed. Records have no key, so the producer's default (sticky) partitioner spreads them.
 */
public final class Payload {

    private Payload() {
    }

    public static byte[] random(final int bytes) {
        final byte[] value = new byte[bytes];
        new Random(0x5eedL).nextBytes(value);
        return value;
    }
}
