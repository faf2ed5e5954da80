package io.ailurus.chaos.workload;

import io.ailurus.chaos.history.OpType;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Jepsen's split of client errors (RELIABILITY.md §1.2): {@code fail} only when the broker definitely did not apply
 * the operation; everything else, timeouts, disconnects, {@code NotLeaderOrFollower} (KAFKA-13574: the write may have
 * happened) and {@code UnknownServerException} included, is {@code info}. Misfiling an indeterminate error as a
 * failure would make the checker report aborted reads that are not there, so unknown errors are info.
 */
public final class ErrorClassifier {

    private ErrorClassifier() {
    }

    public static OpType classify(final Throwable error) {
        final Throwable e = unwrap(error);
        if (e instanceof InvalidTopicException || e instanceof UnknownTopicOrPartitionException
                || e instanceof OutOfOrderSequenceException || e instanceof ProducerFencedException
                || e instanceof InvalidProducerEpochException || e instanceof RecordTooLargeException
                || e instanceof CorruptRecordException || e instanceof AuthorizationException
                || e instanceof SerializationException) {
            return OpType.FAIL;
        }
        return OpType.INFO;
    }

    /** The interesting exception under ExecutionException / CompletionException / bare KafkaException wrappers. */
    public static Throwable unwrap(final Throwable error) {
        Throwable e = error;
        while ((e instanceof ExecutionException || e instanceof CompletionException
                || (e != null && e.getClass() == KafkaException.class)) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    public static String describe(final Throwable error) {
        final Throwable e = unwrap(error);
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
