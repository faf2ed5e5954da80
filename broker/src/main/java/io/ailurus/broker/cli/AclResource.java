package io.ailurus.broker.cli;

import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Option;

/** The resource of an ACL, or of an ACL filter: one topic, group, transactional id, or the cluster (exclusive). */
final class AclResource {

    /** The one name a cluster resource has. */
    static final String CLUSTER_NAME = "kafka-cluster";

    @Option(names = "--topic", paramLabel = "NAME", description = "A topic (* for every topic).")
    String topic;

    @Option(names = "--group", paramLabel = "NAME", description = "A consumer group (* for every group).")
    String group;

    @Option(names = "--cluster", description = "The cluster (creating topics, cluster-wide admin operations).")
    boolean cluster;

    @Option(names = "--transactional-id", paramLabel = "ID",
            description = "A transactional id (* for every id).")
    String transactionalId;

    ResourceType type() {
        if (topic != null) {
            return ResourceType.TOPIC;
        }
        if (group != null) {
            return ResourceType.GROUP;
        }
        if (transactionalId != null) {
            return ResourceType.TRANSACTIONAL_ID;
        }
        return ResourceType.CLUSTER;
    }

    String name() {
        return switch (type()) {
            case TOPIC -> topic;
            case GROUP -> group;
            case TRANSACTIONAL_ID -> transactionalId;
            default -> CLUSTER_NAME;
        };
    }
}
