package io.ailurus.partition.raft;

/**
 * Where a member's messages go. The owner implements it with its transport (Aeron publication, actor tell, a
 * simulated network). Delivery may fail, be delayed, duplicated or reordered: the protocol tolerates all of it.
 *
 * <p>An {@link RaftMessage.AppendEntries} may carry a file range of the log ({@code FileRecords}): the owner must
 * encode (copy) it before it calls the member again, since a later truncation may rewrite that range.
 */
@FunctionalInterface
public interface RaftOutbox {

    void send(int toNode, RaftMessage message);
}
