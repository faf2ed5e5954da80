package io.ailurus.broker;

import io.ailurus.kafka.network.FrameHandler;
import io.ailurus.kafka.network.KafkaListener;
import io.ailurus.kafka.network.ListenerSecurity;
import io.ailurus.kafka.security.ListenerEndpoint;
import io.ailurus.kafka.security.SecurityConfig;
import io.ailurus.kafka.security.TlsServerContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A node's Kafka listeners, one socket per named listener, each secured as its protocol says. Bound first (so a port
 * of 0 is known before the node registers its addresses), started last, when requests can be served.
 */
final class KafkaListeners implements AutoCloseable {

    private final List<KafkaListener> listeners = new ArrayList<>();
    private final List<ListenerEndpoint> endpoints = new ArrayList<>();
    private final String interBroker;

    private KafkaListeners(final String interBroker) {
        this.interBroker = interBroker;
    }

    /**
     * Binds every listener of {@code security}; a TLS listener's keystores are checked for replacement every
     * {@code tls-reload-interval} on {@code timer}. Invalid TLS settings fail the start (ConfigException).
     */
    static KafkaListeners bind(final SecurityConfig security, final ScheduledExecutorService timer)
            throws IOException {
        final KafkaListeners bound = new KafkaListeners(security.interBrokerListener());
        try {
            for (final ListenerEndpoint endpoint : security.listeners()) {
                final TlsServerContext tls = endpoint.usesTls()
                        ? TlsServerContext.create(security.sslConfigs(endpoint.name())) : null;
                if (tls != null) {
                    final long reloadMs = security.tlsReloadInterval().toMillis();
                    timer.scheduleWithFixedDelay(tls::reloadIfChanged, reloadMs, reloadMs, TimeUnit.MILLISECONDS);
                }
                final ListenerSecurity listenerSecurity = new ListenerSecurity(endpoint.name(), endpoint.protocol(),
                        endpoint.usesTls() ? tls::engine : null, endpoint.usesTls() ? tls.principals() : null,
                        security.handshakeTimeout().toMillis());
                final KafkaListener listener = KafkaListener.bind(
                        new InetSocketAddress(endpoint.host(), endpoint.port()), listenerSecurity);
                bound.listeners.add(listener);
                bound.endpoints.add(endpoint.bound(listener.boundPort()));
            }
        } catch (IOException | RuntimeException e) {
            bound.close();
            throw e;
        }
        return bound;
    }

    List<ListenerEndpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    ListenerEndpoint interBroker() {
        return endpoints.stream().filter(e -> e.name().equals(interBroker)).findFirst().orElseThrow();
    }

    /** Every listener's advertised "host:port" by name, as the node registers them for Metadata. */
    Map<String, String> advertised() {
        final Map<String, String> addresses = new LinkedHashMap<>();
        endpoints.forEach(e -> addresses.put(e.name(), e.advertisedHost() + ":" + e.advertisedPort()));
        return addresses;
    }

    /** The bound port of listener {@code name}. */
    int port(final String name) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).name().equalsIgnoreCase(name)) {
                return listeners.get(i).boundPort();
            }
        }
        throw new IllegalArgumentException("no listener " + name);
    }

    /** The bound port of the first listener. */
    int firstPort() {
        return listeners.get(0).boundPort();
    }

    void start(final int networkThreads, final int maxRequestBytes, final int maxInFlight, final FrameHandler handler)
            throws IOException {
        for (final KafkaListener listener : listeners) {
            listener.start(networkThreads, maxRequestBytes, maxInFlight, handler);
        }
    }

    String describe() {
        final List<String> parts = new ArrayList<>();
        endpoints.forEach(e -> parts.add(e.name() + " (" + e.protocol() + ") on " + e.host() + ":" + e.port()
                + ", advertised " + e.advertisedHost() + ":" + e.advertisedPort()));
        return String.join("; ", parts);
    }

    @Override
    public void close() {
        listeners.forEach(KafkaListener::close);
    }
}
