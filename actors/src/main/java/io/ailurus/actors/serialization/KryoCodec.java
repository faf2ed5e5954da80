package io.ailurus.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo encoding of internal values (cluster messages, controller commands and snapshots), safe to use from any thread.
 *
 * <p>Kryo instances are not thread-safe, hence the pools. Class names are written with each object (no registration),
 * so adding a type needs no codec change; every node of a cluster runs the same build, so the class names agree.
 */
public final class KryoCodec {

    private static final int POOL_SIZE = 16;

    private final Pool<Kryo> kryos;
    private final Pool<Output> outputs;

    public KryoCodec(final ClassLoader loader) {
        this(loader, kryo -> { });
    }

    /** {@code customizer} adds serializers to each Kryo instance (e.g. for actor references). */
    public KryoCodec(final ClassLoader loader, final java.util.function.Consumer<Kryo> customizer) {
        this.kryos = new Pool<>(true, false, POOL_SIZE) {
            @Override
            protected Kryo create() {
                final Kryo kryo = new Kryo();
                kryo.setRegistrationRequired(false);
                kryo.setReferences(false);
                kryo.setClassLoader(loader);
                // Kafka value types (Uuid, ...) have no no-arg constructor: fall back to Objenesis for those.
                kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
                customizer.accept(kryo);
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

    public KryoCodec() {
        this(KryoCodec.class.getClassLoader());
    }

    public byte[] encode(final Object value) {
        final Kryo kryo = kryos.obtain();
        final Output output = outputs.obtain();
        try {
            output.reset();
            kryo.writeClassAndObject(output, value);
            return output.toBytes();
        } finally {
            outputs.free(output);
            kryos.free(kryo);
        }
    }

    public Object decode(final byte[] bytes) {
        final Kryo kryo = kryos.obtain();
        try {
            return kryo.readClassAndObject(new Input(bytes));
        } finally {
            kryos.free(kryo);
        }
    }
}
