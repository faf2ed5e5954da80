package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.kafka.BrokerServices;
import io.ailurus.partition.producer.ProducerIdSource;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitProducerIdHandlerTest {

    @TempDir
    Path dataDir;

    private final AtomicLong nextId = new AtomicLong(1000);
    private final java.util.concurrent.ScheduledExecutorService timer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    @org.junit.jupiter.api.AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private InitProducerIdHandler handler() {
        final ProducerIdSource ids = nextId::getAndIncrement;
        return new InitProducerIdHandler(new BrokerServices(TopicPartitionsTest.nodeConfig(dataDir), "test-cluster",
                "broker.example", 19092, null, null, null, ids, timer, null), null);   // transactional ids: TransactionsIT
    }

    @Test
    void idempotentProducersGetFreshIds() throws Exception {
        final InitProducerIdHandler handler = handler();
        final InitProducerIdResponse first = call(handler,
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE), (short) 0);
        assertEquals(Errors.NONE, first.error());
        assertEquals(1000, first.data().producerId());
        assertEquals(0, first.data().producerEpoch());
        // A KIP-360 request with its current id and epoch also gets a fresh id, as from Kafka.
        final InitProducerIdResponse bumped = call(handler, new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(Integer.MAX_VALUE).setProducerId(1000).setProducerEpoch((short) 3), (short) 5);
        assertEquals(Errors.NONE, bumped.error());
        assertEquals(1001, bumped.data().producerId());
        assertEquals(0, bumped.data().producerEpoch());
    }

    @Test
    void malformedRequests() throws Exception {
        final InitProducerIdResponse emptyId = call(handler(),
                new InitProducerIdRequestData().setTransactionalId("").setTransactionTimeoutMs(60_000), (short) 3);
        assertEquals(Errors.INVALID_REQUEST, emptyId.error());
        final InitProducerIdResponse idWithoutEpoch = call(handler(), new InitProducerIdRequestData()
                .setTransactionalId(null).setProducerId(5).setProducerEpoch((short) -1), (short) 3);
        assertEquals(Errors.INVALID_REQUEST, idWithoutEpoch.error());
    }

    @Test
    void theUnstableVersionIsNotAdvertised() {
        assertEquals(ApiKeys.INIT_PRODUCER_ID.latestVersion(false), handler().latestVersion());
    }
}
