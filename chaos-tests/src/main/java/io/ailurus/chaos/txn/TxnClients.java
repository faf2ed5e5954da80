package io.ailurus.chaos.txn;

import io.ailurus.chaos.workload.ClientSettings;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The transactional workload's clients: transactional producers, and consumers at either isolation level. */
final class TxnClients {

    private TxnClients() {
    }

    /**
     * A producer with {@code transactionalId}, transactions initialised (which fences every older producer of that id
     * and ends the transaction it left open); null when that failed (the cluster is faulty: try again later).
     */
    static KafkaProducer<String, String> openProducer(final String bootstrap, final String transactionalId) {
        KafkaProducer<String, String> producer = null;
        try {
            producer = new KafkaProducer<>(ClientSettings.transactionalProducer(bootstrap, transactionalId));
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            return null;
        }
    }

    /**
     * Fences {@code transactionalId} once its worker stopped, so that no transaction of it stays open into the final
     * read (the coordinator's timeout would end it too, later); retried until {@code limit}. Null when done, else why
     * not.
     */
    static String fence(final String bootstrap, final String transactionalId, final Duration limit)
            throws InterruptedException {
        final long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            final KafkaProducer<String, String> producer = openProducer(bootstrap, transactionalId);
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                return null;
            }
            Thread.sleep(1000);
        }
        return transactionalId + " not fenced within " + limit.toSeconds() + " s";
    }

    /**
     * The copy loop's read_committed group consumer. Its fetches wait for 500 ms of input (a minimum size it never
     * reaches), so that one copy transaction carries a few input transactions instead of one each: a transaction costs
     * the brokers several Raft writes besides its records.
     */
    static KafkaConsumer<String, String> copyLoopConsumer(final String bootstrap, final String groupId) {
        final Properties p = ClientSettings.consumer(bootstrap, groupId);
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(1 << 20));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        return new KafkaConsumer<>(p);
    }

    /** {@code groupId} null: an assigned consumer (the final readers); {@code isolation}: read_(un)committed. */
    static KafkaConsumer<String, String> consumer(final String bootstrap, final String groupId,
            final String isolation) {
        final Properties p = ClientSettings.consumer(bootstrap, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return new KafkaConsumer<>(p);
    }
}
