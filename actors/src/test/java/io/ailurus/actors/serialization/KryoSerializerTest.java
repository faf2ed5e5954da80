package io.ailurus.actors.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {

    record Sample(int id, String name, List<String> tags, Map<String, Long> offsets) implements KryoMessage {
    }

    @Test
    void pekkoPicksKryoForKryoMessagesAndRoundTripsRecords() {
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "kryo-test");
        try {
            final Serialization serialization = SerializationExtension.get(system);
            final Sample sample = new Sample(7, "node-7", List.of("a", "b"), Map.of("p0", 42L));
            final Serializer serializer = serialization.findSerializerFor(sample);
            assertInstanceOf(KryoSerializer.class, serializer);
            assertEquals(KryoSerializer.IDENTIFIER, serializer.identifier());
            final byte[] bytes = serialization.serialize(sample).get();
            final Object back = serialization.deserialize(bytes, serializer.identifier(), "").get();
            assertEquals(sample, back);
        } finally {
            system.terminate();
        }
    }
}
