package io.ailurus.kafka;

import io.ailurus.partition.replica.BrokerChannel;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * This node's Kafka-protocol connections to other brokers, for the requests one broker makes of another (transaction
 * markers, produce verification): one blocking connection per broker, used from a small thread pool of its own, so
 * no actor or network thread ever waits on another node. A connection that fails is dropped and reopened next time.
 */
public final class BrokerLinks implements AutoCloseable {

    private static final int READ_TIMEOUT_MS = 35_000;

    private final String clientId;
    private final BrokerChannel.Security security;
    private final ExecutorService sends;
    private final Map<String, BrokerChannel> channels = new HashMap<>();   // guarded by itself

    /** {@code security}: how to reach other brokers' inter-broker listener (TLS, SASL login). */
    public BrokerLinks(final int nodeId, final BrokerChannel.Security security) {
        this.security = security;
        this.clientId = "ailurus-broker-" + nodeId;
        this.sends = Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "ailurus-broker-links");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends {@code request} to {@code broker}; fails with the IOException when the connection does. */
    public CompletableFuture<AbstractResponse> send(final ClusterView.Broker broker,
            final AbstractRequest.Builder<?> request, final short version) {
        return CompletableFuture.supplyAsync(() -> {
            final String address = broker.host() + ":" + broker.port();
            try {
                return channel(broker, address).send(request.build(version));
            } catch (IOException e) {
                synchronized (channels) {
                    channels.remove(address);
                }
                throw new CompletionException(e);
            }
        }, sends);
    }

    private BrokerChannel channel(final ClusterView.Broker broker, final String address) throws IOException {
        synchronized (channels) {
            final BrokerChannel open = channels.get(address);
            if (open != null && open.isOpen()) {
                return open;
            }
        }
        final BrokerChannel fresh = new BrokerChannel(broker.host(), broker.port(), clientId, READ_TIMEOUT_MS, security);
        synchronized (channels) {
            final BrokerChannel raced = channels.put(address, fresh);
            if (raced != null && raced != fresh) {
                raced.close();
            }
        }
        return fresh;
    }

    @Override
    public void close() {
        sends.shutdownNow();
        synchronized (channels) {
            channels.values().forEach(BrokerChannel::close);
            channels.clear();
        }
    }
}
