package io.ailurus.partition.log;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Kafka's {@code cleanup.policy}: {@code delete} (retention removes old segments), {@code compact} (only the newest
 * record per key is kept; nothing is removed by age or size), or both.
 */
public enum CleanupPolicy {
    DELETE(true, false),
    COMPACT(false, true),
    COMPACT_DELETE(true, true);

    private final boolean deletes;
    private final boolean compacts;

    CleanupPolicy(final boolean deletes, final boolean compacts) {
        this.deletes = deletes;
        this.compacts = compacts;
    }

    /** Whether retention.ms / retention.bytes delete old segments. */
    public boolean deletes() {
        return deletes;
    }

    public boolean compacts() {
        return compacts;
    }

    /** The config value, as Kafka writes it. */
    public String configValue() {
        return switch (this) {
            case DELETE -> "delete";
            case COMPACT -> "compact";
            case COMPACT_DELETE -> "compact,delete";
        };
    }

    /** Parses Kafka's list form ("compact", "delete", "compact,delete" in any order, spaces allowed). */
    public static CleanupPolicy parse(final String value) {
        final Set<String> parts = Arrays.stream(value.split(",")).map(String::trim).map(String::toLowerCase)
                .collect(Collectors.toCollection(TreeSet::new));
        if (parts.equals(Set.of("delete"))) {
            return DELETE;
        }
        if (parts.equals(Set.of("compact"))) {
            return COMPACT;
        }
        if (parts.equals(Set.of("compact", "delete"))) {
            return COMPACT_DELETE;
        }
        throw new IllegalArgumentException("cleanup.policy must be delete, compact or compact,delete, was '" + value + "'");
    }
}
