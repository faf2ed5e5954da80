package io.ailurus.kafka.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

class ListenerEndpointTest {

    @Test
    void noListenersMeansOnePlaintextListenerOnHostAndPort() {
        assertEquals(List.of(new ListenerEndpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "127.0.0.1", 9092,
                "broker-1", 9092)), ListenerEndpoint.parse("", "", "", "127.0.0.1", 9092, "broker-1", 9092));
    }

    @Test
    void kafkaSyntaxWithAdvertisedAddressesAndAProtocolMap() {
        final List<ListenerEndpoint> parsed = ListenerEndpoint.parse(
                "INTERNAL://10.0.0.5:9093, EXTERNAL://:9094,SASL_SSL://[::1]:9095",
                "EXTERNAL://kafka.example.com:443", "INTERNAL:SASL_PLAINTEXT,external:ssl",
                "127.0.0.1", 9092, "node-a", 9092);
        assertEquals(new ListenerEndpoint("INTERNAL", SecurityProtocol.SASL_PLAINTEXT, "10.0.0.5", 9093,
                "10.0.0.5", 9093), parsed.get(0));
        assertEquals(new ListenerEndpoint("EXTERNAL", SecurityProtocol.SSL, "0.0.0.0", 9094,
                "kafka.example.com", 443), parsed.get(1));
        assertEquals(new ListenerEndpoint("SASL_SSL", SecurityProtocol.SASL_SSL, "::1", 9095, "::1", 9095),
                parsed.get(2));
        assertTrue(parsed.get(2).usesTls() && parsed.get(2).usesSasl());
    }

    @Test
    void mistakesAreRefusedWithTheSettingNamed() {
        final ConfigException unmapped = assertThrows(ConfigException.class,
                () -> ListenerEndpoint.parse("CLIENTS://:9092", "", "", "h", 1, "h", 1));
        assertTrue(unmapped.getMessage().contains("listener.security.protocol.map"), unmapped.getMessage());
        assertThrows(ConfigException.class, () -> ListenerEndpoint.parse("PLAINTEXT://h:x", "", "", "h", 1, "h", 1));
        assertThrows(ConfigException.class, () -> ListenerEndpoint.parse("PLAINTEXT://h:1,PLAINTEXT://h:2", "", "",
                "h", 1, "h", 1));
        assertThrows(ConfigException.class, () -> ListenerEndpoint.parse("PLAINTEXT://h:1", "SSL://x:2", "",
                "h", 1, "h", 1));
        assertThrows(ConfigException.class, () -> ListenerEndpoint.parse("A://h:1", "", "A:NOPE", "h", 1, "h", 1));
    }

    @Test
    void aListenerOnPortZeroAdvertisesTheBoundPort() {
        final ListenerEndpoint any = ListenerEndpoint.parse("SSL://127.0.0.1:0", "", "", "h", 1, "h", 1).get(0);
        assertEquals(40123, any.bound(40123).port());
        assertEquals(40123, any.bound(40123).advertisedPort());
    }
}
