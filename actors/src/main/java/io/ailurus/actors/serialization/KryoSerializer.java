package io.ailurus.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/** Pekko serializer for every {@link KryoMessage}: internal cluster messages and Distributed Data values. */
public final class KryoSerializer extends JSerializer {

    /** Pekko's serializer ids below 100 are reserved; this one is ours. */
    public static final int IDENTIFIER = 7301;

    private final KryoCodec codec;

    public KryoSerializer(final ExtendedActorSystem system) {
        final ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
        this.codec = new KryoCodec(system.dynamicAccess().classLoader(),
                kryo -> kryo.addDefaultSerializer(ActorRef.class, new ActorRefSerializer(resolver)));
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

    /** Actor references travel as their Pekko serialization format (path with uid) and resolve on arrival. */
    private static final class ActorRefSerializer extends Serializer<ActorRef<?>> {

        private final ActorRefResolver resolver;

        ActorRefSerializer(final ActorRefResolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public void write(final Kryo kryo, final Output output, final ActorRef<?> ref) {
            output.writeString(resolver.toSerializationFormat(ref));
        }

        @Override
        public ActorRef<?> read(final Kryo kryo, final Input input, final Class<? extends ActorRef<?>> type) {
            return resolver.resolveActorRef(input.readString());
        }
    }
}
