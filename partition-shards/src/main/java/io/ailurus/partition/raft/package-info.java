/**
 * Raft for one Kafka log (a partition, or the controller's metadata log), as a deterministic single-threaded core
 * with no Pekko and no threads: {@link io.ailurus.partition.raft.RaftMember}.
 *
 * <h2>Driving a member (the owner, e.g. the partition replica actor)</h2>
 * <ul>
 *   <li>Create it with the group name, own node id, initial voters, {@link io.ailurus.partition.raft.RaftConfig},
 *       a {@link io.ailurus.partition.raft.RaftLog} ({@link io.ailurus.partition.raft.SegmentRaftLog} over the
 *       partition's {@code SegmentLog}), a {@link io.ailurus.partition.raft.RaftStateStore}
 *       ({@link io.ailurus.partition.raft.FileRaftStateStore}, file {@code raft.state}), an outbox, a listener, a
 *       {@code Random} and the current monotonic time.</li>
 *   <li>Inbound messages: {@code member.handle(fromNode, message, nowMs)} (decode with
 *       {@link io.ailurus.partition.raft.RaftCodec}).</li>
 *   <li>Timers: {@code member.tick(nowMs)} every ~10 ms (at least twice per heartbeat interval).</li>
 *   <li>Produce: {@code member.propose(records, nowMs)}; register an {@code Accepted} result in
 *       {@link io.ailurus.partition.raft.CommitWaiters}; answer on {@code onCommit} / fail on {@code onRoleChange}.</li>
 *   <li>Group commit: on {@code onAppended}, note {@code generation = member.logGeneration()} and
 *       {@code end = log.endOffset()}, fsync ({@code SegmentLog.flush(end)}) off the actor, then call
 *       {@code member.onDurable(generation, end)} back on the actor.</li>
 *   <li>Reads that must be linearizable (ListOffsets, OffsetForLeaderEpoch): {@code member.isLeaderWithQuorum(nowMs)}.</li>
 * </ul>
 */
package io.ailurus.partition.raft;
