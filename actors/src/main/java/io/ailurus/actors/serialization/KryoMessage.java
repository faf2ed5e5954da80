package io.ailurus.actors.serialization;

/**
 * Marks a message or a replicated value that crosses nodes (Pekko remoting, Distributed Data) so that Pekko serializes
 * it with {@link KryoSerializer}. Implementations are plain records or immutable classes without actor references.
 */
public interface KryoMessage {
}
