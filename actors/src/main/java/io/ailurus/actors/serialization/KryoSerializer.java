package io.ailurus.actors.serialization;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/** Pekko serializer for every {@link KryoMessage}: internal cluster messages and Distributed Data values. */
public final class KryoSerializer extends JSerializer {

    /** Pekko's serializer ids below 100 are reserved; this one is ours. */
    public static final int IDENTIFIER = 7301;

    private final KryoCodec codec;

    public KryoSerializer(final ExtendedActorSystem system) {
        this.codec = new KryoCodec(system.dynamicAccess().classLoader());
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(final Object message) {
        return codec.encode(message);
    }

    @Override
    public Object fromBinaryJava(final byte[] bytes, final Class<?> manifest) {
        return codec.decode(bytes);
    }
}
