package io.ailurus.cluster.security;

import io.ailurus.actors.serialization.KryoMessage;

/**
 * A user's SCRAM credential as RFC 5802 has servers keep it: salt, iteration count and the two keys derived from the
 * salted password. The password itself is never stored or sent here (KIP-554: clients salt it themselves).
 *
 * @param mechanism "SCRAM-SHA-256" or "SCRAM-SHA-512"
 */
public record StoredScramCredential(String user, String mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
        int iterations) implements KryoMessage {
}
