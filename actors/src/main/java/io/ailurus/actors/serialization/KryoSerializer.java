package io.ailurus.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for every {@link KryoMessage}: internal cluster messages and Distributed Data values.
 *
 * <p>Kryo instances are not thread-safe, and Pekko serializes from many threads, hence the pools. Class names are
 * written with each object (no registration), so adding a message type needs no serializer change; every node of a
 * cluster runs the same build, so the class names agree.
 */
public final class KryoSerializer extends JSerializer {

    /** Pekko's serializer ids below 100 are reserved; this one is ours. */
    public static final int IDENTIFIER = 7301;

    private static final int POOL_SIZE = 16;

    private final Pool<Kryo> kryos;
    private final Pool<Output> outputs;

    public KryoSerializer(final ExtendedActorSystem system) {
        final ClassLoader loader = system.dynamicAccess().classLoader();
        this.kryos = new Pool<>(true, false, POOL_SIZE) {
            @Override
            protected Kryo create() {
                final Kryo kryo = new Kryo();
                kryo.setRegistrationRequired(false);
                kryo.setReferences(false);
                kryo.setClassLoader(loader);
                return kryo;
            }
        };
        this.outputs = new Pool<>(true, false, POOL_SIZE) {
            @Override
            protected Output create() {
                return new Output(1024, -1);
            }
        };
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
        final Kryo kryo = kryos.obtain();
        final Output output = outputs.obtain();
        try {
            output.reset();
            kryo.writeClassAndObject(output, message);
            return output.toBytes();
        } finally {
            outputs.free(output);
            kryos.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(final byte[] bytes, final Class<?> manifest) {
        final Kryo kryo = kryos.obtain();
        try {
            return kryo.readClassAndObject(new Input(bytes));
        } finally {
            kryos.free(kryo);
        }
    }
}
