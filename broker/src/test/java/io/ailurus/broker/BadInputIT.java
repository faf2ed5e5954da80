package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeDelegationTokenRequest;
import org.apache.kafka.common.requests.DescribeDelegationTokenResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a clear error and loses nothing: each case answers with the proper Kafka error code or closes that one
 * connection, and afterwards the broker still serves a normal client and every acknowledged record is intact.
 */
@Timeout(180)
class BadInputIT {

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of("ailurus.kafka.max-request-bytes", 1024 * 1024 * 4));
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("precious", 0, null, "acked-" + i)).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** The broker still works and the records acknowledged before the abuse are all there. */
    private static void stillServesAndLostNothing() throws Exception {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition("precious", 0)), 10, Duration.ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                assertEquals("acked-" + i, records.get(i).value());
            }
        }
    }

    private static int port() {
        return broker.node().kafkaPort();
    }

    @Test
    void aLengthPrefixBeyondTheLimitClosesTheConnectionBeforeAllocating() throws Exception {
        try (RawConnection c = new RawConnection(port())) {
            c.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE - 1).array());
            assertTrue(c.closedByBroker());
        }
        try (RawConnection c = new RawConnection(port())) {
            c.sendRaw(ByteBuffer.allocate(4).putInt(-5).array());
            assertTrue(c.closedByBroker());
        }
        stillServesAndLostNothing();
    }

    @Test
    void garbageBytesCloseOnlyThatConnection() throws Exception {
        try (RawConnection healthy = new RawConnection(port()); RawConnection c = new RawConnection(port())) {
            final byte[] garbage = new byte[64];
            new Random(7).nextBytes(garbage);
            c.sendFrame(ByteBuffer.wrap(garbage));
            assertTrue(c.closedByBroker());
            final ApiVersionsResponse ok = (ApiVersionsResponse) healthy.roundTrip(new ApiVersionsRequest.Builder().build());
            assertEquals(Errors.NONE.code(), ok.data().errorCode());
        }
        stillServesAndLostNothing();
    }

    @Test
    void anUnknownApiKeyClosesTheConnection() throws Exception {
        try (RawConnection c = new RawConnection(port())) {
            final ByteBuffer frame = ByteBuffer.allocate(10).putShort((short) 999).putShort((short) 0).putInt(1).putShort((short) -1);
            c.sendFrame(frame.flip());
            assertTrue(c.closedByBroker());
        }
        stillServesAndLostNothing();
    }

    @Test
    void aClientCannotForgeATransactionMarker() throws Exception {
        final org.apache.kafka.common.record.MemoryRecords forged = org.apache.kafka.common.record.MemoryRecords
                .withEndTransactionMarker(System.currentTimeMillis(), 4242L, (short) 0,
                        new org.apache.kafka.common.record.EndTransactionMarker(
                                org.apache.kafka.common.record.ControlRecordType.COMMIT, 0));
        final org.apache.kafka.common.message.ProduceRequestData data = new org.apache.kafka.common.message.ProduceRequestData()
                .setAcks((short) -1).setTimeoutMs(10_000);
        data.topicData().add(new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName("precious")
                .setPartitionData(List.of(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                        .setIndex(0).setRecords(forged))));
        try (RawConnection c = new RawConnection(port())) {
            final org.apache.kafka.common.requests.ProduceResponse response = (org.apache.kafka.common.requests.ProduceResponse)
                    c.roundTrip(new org.apache.kafka.common.requests.ProduceRequest.Builder((short) 9, (short) 9, data).build((short) 9));
            assertEquals(Errors.INVALID_RECORD.code(), response.data().responses().iterator().next()
                    .partitionResponses().get(0).errorCode(), "only the transaction coordinator writes markers");
        }
        stillServesAndLostNothing();
    }

    @Test
    void aTooNewApiVersionsRequestIsAnsweredAtV0WithUnsupportedVersion() throws Exception {
        try (RawConnection c = new RawConnection(port())) {
            // Header v2 (flexible): api key, version 99, correlation id, client id, no tagged fields.
            final ByteBuffer frame = ByteBuffer.allocate(32).putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99)
                    .putInt(42).putShort((short) 4).put("test".getBytes(StandardCharsets.UTF_8)).put((byte) 0);
            c.sendFrame(frame.flip());
            final ByteBuffer response = c.readFrame();
            assertEquals(42, ResponseHeader.parse(response, (short) 0).correlationId());
            final ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
            assertTrue(data.apiKeys().find(ApiKeys.PRODUCE.id) != null, "the version table comes along for a downgrade");
        }
    }

    @Test
    void anApiThatIsNotImplementedGetsItsErrorResponseNotAHang() throws Exception {
        try (RawConnection c = new RawConnection(port())) {
            final DescribeDelegationTokenResponse response = (DescribeDelegationTokenResponse) c.roundTrip(
                    new DescribeDelegationTokenRequest.Builder(null).build((short) 3));
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.data().errorCode());
        }
    }

    @Test
    void apiVersionsAdvertisesOnlyWhatIsImplemented() throws Exception {
        try (RawConnection c = new RawConnection(port())) {
            final ApiVersionsResponse response = (ApiVersionsResponse) c.roundTrip(new ApiVersionsRequest.Builder().build());
            assertTrue(response.data().apiKeys().find(ApiKeys.DESCRIBE_DELEGATION_TOKEN.id) == null);
            assertEquals(ApiKeys.PRODUCE.latestVersion(), response.data().apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());
        }
    }

    private static ProduceResponseData.PartitionProduceResponse produceRaw(final String topic, final int partition,
            final MemoryRecords records) throws Exception {
        try (RawConnection c = new RawConnection(port())) {
            final ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
            final ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic);
            t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
            data.topicData().add(t);
            final AbstractRequest request = ProduceRequest.builder(data).build((short) 12);
            final ProduceResponse response = (ProduceResponse) c.roundTrip(request);
            return response.data().responses().iterator().next().partitionResponses().get(0);
        }
    }

    private static MemoryRecords batch(final String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBatchWithABadCrcIsRejectedAsCorruptAndNothingIsWritten() throws Exception {
        final MemoryRecords bad = batch("tampered");
        bad.buffer().put(bad.sizeInBytes() - 2, (byte) 0x33);
        final ProduceResponseData.PartitionProduceResponse r = produceRaw("precious", 0, bad);
        assertEquals(Errors.CORRUPT_MESSAGE.code(), r.errorCode());
        assertEquals(10, broker.node().services().replicas().get(new TopicPartition("precious", 0)).log().logEndOffset());
        stillServesAndLostNothing();
    }

    @Test
    void produceToAnUnknownTopicOrPartitionIsRefused() throws Exception {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), produceRaw("precious", 7, batch("x")).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), produceRaw("no-such-topic", 0, batch("x")).errorCode());
    }

    @Test
    void aRecordLargerThanMaxMessageBytesIsRejected() throws Exception {
        broker.node().services().topics().create("small-messages", 1, (short) 1,
                Map.of("max.message.bytes", "1000"), false).get();
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("small-messages", 0, null, "x".repeat(5000))).get());
            assertInstanceOf(RecordTooLargeException.class, e.getCause());
            assertEquals(0, producer.send(new ProducerRecord<>("small-messages", 0, null, "fits")).get().offset());
        }
    }

    @Test
    void aClientThatDisconnectsMidRequestHurtsNoOne() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (RawConnection c = new RawConnection(port())) {
                final AbstractRequest request = new MetadataRequest.Builder(List.of("precious"), false).build((short) 12);
                final RequestHeader header = c.header(request, "quitter");
                final ByteBuffer frame = request.serializeWithHeader(header);
                final byte[] bytes = new byte[frame.remaining() + 4];
                ByteBuffer.wrap(bytes).putInt(frame.remaining()).put(frame);
                c.sendRaw(java.util.Arrays.copyOf(bytes, bytes.length / 2));
            }
        }
        stillServesAndLostNothing();
    }

    @Test
    void thousandsOfMutatedFramesLeaveTheBrokerServing() throws Exception {
        final Random random = new Random(20261125);
        final List<ByteBuffer> valid = validFrames();
        int closed = 0;
        RawConnection c = new RawConnection(port());
        try {
            for (int i = 0; i < 3000; i++) {
                final ByteBuffer base = valid.get(random.nextInt(valid.size()));
                final byte[] bytes = new byte[base.remaining()];
                base.duplicate().get(bytes);
                final byte[] mutated = mutate(bytes, random);
                try {
                    c.sendFrame(ByteBuffer.wrap(mutated));
                } catch (java.io.IOException e) {
                    closed++;
                    c.close();
                    c = new RawConnection(port());
                }
                if (i % 50 == 49) {
                    // Start afresh now and then, so that mutations land on fresh connections too.
                    c.close();
                    c = new RawConnection(port());
                }
            }
        } finally {
            c.close();
        }
        assertFalse(closed > 3000);
        stillServesAndLostNothing();
    }

    private static List<ByteBuffer> validFrames() {
        final List<ByteBuffer> frames = new ArrayList<>();
        int correlation = 0;
        final List<AbstractRequest> requests = List.of(
                new ApiVersionsRequest.Builder().build(),
                new MetadataRequest.Builder(List.of("precious"), false).build((short) 12),
                new MetadataRequest.Builder(List.of("fuzz-target"), true).build((short) 9),
                ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000)
                        .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                                new ProduceRequestData.TopicProduceData().setName("fuzz-target").setPartitionData(List.of(
                                        new ProduceRequestData.PartitionProduceData().setIndex(0)
                                                .setRecords(batch("fuzz")))))
                                .iterator()))).build((short) 9));
        for (final AbstractRequest r : requests) {
            frames.add(r.serializeWithHeader(new RequestHeader(r.apiKey(), r.version(), "fuzzer", ++correlation)));
        }
        return frames;
    }

    private static byte[] mutate(final byte[] bytes, final Random random) {
        final byte[] out = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> {
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> {
                return java.util.Arrays.copyOf(out, Math.max(1, random.nextInt(out.length)));
            }
            default -> {
                final int at = random.nextInt(Math.max(1, out.length - 4));
                ByteBuffer.wrap(out).putInt(at, random.nextInt());
            }
        }
        return out;
    }
}
