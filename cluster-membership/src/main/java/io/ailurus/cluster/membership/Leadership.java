package io.ailurus.cluster.membership;

import io.ailurus.actors.serialization.KryoMessage;

/** Who leads a partition in which term ({@code leaderId} -1: an election is under way). Higher terms win. */
public record Leadership(int leaderId, int term) implements KryoMessage {

    public static final Leadership UNKNOWN = new Leadership(-1, 0);

    /** Orders reports: a later term first, then, within a term, knowing the leader over not knowing it. */
    public long rank() {
        return term * 2L + (leaderId >= 0 ? 1 : 0);
    }
}
