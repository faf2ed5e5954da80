package io.ailurus.broker.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** Turns what a client call threw into one line a person can act on. */
final class ErrorMessages {

    /**
     * What the message may mention.
     *
     * @param bootstrap the bootstrap servers the command used
     * @param topic     the topic the command is about, or null
     * @param timeoutMs the bound of each client call
     * @param reachable whether anything accepts connections at the bootstrap address (asked only after a timeout)
     */
    record Context(String bootstrap, String topic, long timeoutMs, Predicate<String> reachable) {
    }

    private ErrorMessages() {
    }

    /** The exception that says what went wrong, without the wrappers futures and client constructors add. */
    static Throwable unwrap(final Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t && isWrapper(t)) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isWrapper(final Throwable t) {
        return t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof InvocationTargetException || t.getClass() == KafkaException.class;
    }

    static String describe(final Throwable error, final Context ctx) {
        final Throwable t = unwrap(error);
        final String detail = detail(t);
        final String topic = ctx.topic() == null ? "" : "'" + ctx.topic() + "'";
        if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
            return timeout(ctx, detail);
        }
        if (t instanceof UnknownTopicOrPartitionException) {
            return ctx.topic() != null ? "topic " + topic + " does not exist" : "unknown topic or partition: " + detail;
        }
        if (t instanceof TopicExistsException) {
            return ctx.topic() != null ? "topic " + topic + " already exists" : detail;
        }
        if (t instanceof InvalidTopicException) {
            return "invalid topic name" + (ctx.topic() == null ? "" : " " + topic) + ": " + detail;
        }
        if (t instanceof InvalidPartitionsException) {
            return "invalid number of partitions: " + detail;
        }
        if (t instanceof InvalidReplicationFactorException) {
            return "invalid replication factor: " + detail;
        }
        if (t instanceof PolicyViolationException) {
            return "the broker's policy rejected the request: " + detail;
        }
        if (t instanceof TopicDeletionDisabledException) {
            return "topic deletion is disabled on the broker";
        }
        if (t instanceof TopicAuthorizationException) {
            return "not authorized to access topic " + (ctx.topic() != null ? topic : detail);
        }
        if (t instanceof AuthorizationException) {
            return "not authorized: " + detail;
        }
        if (t instanceof AuthenticationException) {
            return "authentication with the broker at " + ctx.bootstrap() + " failed: " + detail;
        }
        if (t instanceof UnsupportedVersionException) {
            return "the broker does not support this request: " + detail;
        }
        if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
            return "record too large: " + detail;
        }
        if (t instanceof OffsetOutOfRangeException) {
            return "offset out of range: " + detail;
        }
        if (t instanceof ConfigException) {
            if (detail.contains("No resolvable bootstrap")) {
                return "cannot resolve any address in '" + ctx.bootstrap() + "' (check -b/--bootstrap)";
            }
            if (detail.contains("bootstrap.servers")) {
                return "invalid bootstrap address '" + ctx.bootstrap() + "' (expected HOST:PORT[,HOST:PORT...])";
            }
            return "invalid client configuration: " + detail;
        }
        if (t instanceof InterruptException || t instanceof InterruptedException) {
            return "interrupted";
        }
        // Late: many of the exceptions above are InvalidConfigurationExceptions too.
        if (t instanceof InvalidConfigurationException) {
            return "invalid configuration: " + detail;
        }
        if (t instanceof ApiException) {
            return "the broker reported an error: " + detail;
        }
        if (t instanceof KafkaException || t instanceof IOException) {
            return detail;
        }
        return "unexpected error: " + t;
    }

    private static String timeout(final Context ctx, final String detail) {
        if (!ctx.reachable().test(ctx.bootstrap())) {
            return "cannot reach a broker at " + ctx.bootstrap() + " (is `./ailurus start` running?)";
        }
        return "the broker at " + ctx.bootstrap() + " did not answer within " + ctx.timeoutMs()
                + " ms (--timeout): " + detail;
    }

    /** The exception's own message on one line, or its type when it has none. */
    private static String detail(final Throwable t) {
        final String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
