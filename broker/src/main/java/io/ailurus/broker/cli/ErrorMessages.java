package io.ailurus.broker.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.resource.ResourceType;

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
    record Context(String bootstrap, String topic, long timeoutMs, Predicate<String> reachable, Access access) {

        Context(final String bootstrap, final String topic, final long timeoutMs, final Predicate<String> reachable) {
            this(bootstrap, topic, timeoutMs, reachable, Access.UNKNOWN);
        }
    }

    /**
     * How the client connects, who it is and what the command needs of the ACLs, so that a protocol mismatch or an
     * authorization error can be told as such.
     *
     * @param principal "User:NAME" when the client logs in with SASL, else null (unknown to the client)
     * @param protocol  the client's security.protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), or null
     * @param needs     the operation(s) the command needs on each type of resource, such as TOPIC: "WRITE"
     * @param names     the command's resource of each type (its topic, group, transactional id), where it has one
     */
    record Access(String principal, String protocol, Map<ResourceType, String> needs,
            Map<ResourceType, String> names) {

        static final Access UNKNOWN = new Access(null, null, Map.of(), Map.of());
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
        if (t instanceof AuthorizationException) {
            return authorization((AuthorizationException) t, ctx, detail);
        }
        if (t instanceof SslAuthenticationException) {
            return "TLS handshake with the broker at " + ctx.bootstrap() + " failed: "
                    + TlsProblems.explain(t, "--tls-truststore", "--tls-keystore", "--tls-no-hostname-check");
        }
        if (t instanceof AuthenticationException) {
            final String who = ctx.access().principal();
            return "authentication failed: " + detail + " (" + (who == null ? "" : who + " at ") + ctx.bootstrap()
                    + ")";
        }
        if (t instanceof SecurityDisabledException) {
            return "ACLs are not enabled on the broker (start it with --authorization on, or with a SASL listener)";
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

    /** Names the resource, and the missing operation and the principal when known. */
    private static String authorization(final AuthorizationException t, final Context ctx, final String detail) {
        final Access access = ctx.access();
        final ResourceType type;
        String name;
        boolean several = false;
        if (t instanceof TopicAuthorizationException topics) {
            type = ResourceType.TOPIC;
            several = topics.unauthorizedTopics().size() > 1;
            name = topics.unauthorizedTopics().isEmpty() ? quoted(ctx.topic())
                    : new TreeSet<>(topics.unauthorizedTopics()).stream().map(ErrorMessages::quoted)
                            .collect(Collectors.joining(", "));
        } else if (t instanceof GroupAuthorizationException group) {
            type = ResourceType.GROUP;
            name = group.groupId() != null ? "'" + group.groupId() + "'" : quoted(access.names().get(type));
        } else if (t instanceof TransactionalIdAuthorizationException) {
            type = ResourceType.TRANSACTIONAL_ID;
            name = quoted(access.names().get(type));
        } else if (t instanceof ClusterAuthorizationException) {
            type = ResourceType.CLUSTER;
            name = null;
        } else {
            return "not authorized: " + detail;
        }
        final String resource = switch (type) {
            case TOPIC -> name == null ? "topic " + detail : (several ? "topics " : "topic ") + name;
            case GROUP -> name == null ? "group " + detail : "group " + name;
            case TRANSACTIONAL_ID -> name == null ? "transactional id " + detail : "transactional id " + name;
            default -> "the cluster";
        };
        final String operation = access.needs().get(type);
        if (access.principal() == null && operation == null) {
            return "not authorized to access " + resource;
        }
        return "not authorized: " + (access.principal() == null ? "this client" : access.principal()) + " lacks "
                + (operation == null ? "permission" : operation + " permission") + " on " + resource;
    }

    private static String quoted(final String name) {
        return name == null ? null : "'" + name + "'";
    }

    private static String timeout(final Context ctx, final String detail) {
        if (!ctx.reachable().test(ctx.bootstrap())) {
            return "cannot reach a broker at " + ctx.bootstrap() + " (is `./ailurus start` running?)";
        }
        return "the broker at " + ctx.bootstrap() + " did not answer within " + ctx.timeoutMs()
                + " ms (--timeout): " + detail + protocolHint(ctx.access().protocol());
    }

    /**
     * A listener that speaks another protocol than the client accepts the connection and then says nothing the
     * client understands, so a mismatch shows as a timeout: says what the client spoke and what to change.
     */
    private static String protocolHint(final String protocol) {
        if (protocol == null) {
            return "";
        }
        return " (the client used " + protocol + "; " + switch (protocol) {
            case "PLAINTEXT" -> "a TLS or SASL listener needs --tls, --user and --password, or --command-config)";
            case "SSL" -> "a SASL listener needs --user and --password too, a plaintext one no TLS options)";
            case "SASL_PLAINTEXT" -> "a TLS listener needs --tls too, one without SASL no --user)";
            default -> "a listener without TLS needs no TLS options, one without SASL no --user)";
        };
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
