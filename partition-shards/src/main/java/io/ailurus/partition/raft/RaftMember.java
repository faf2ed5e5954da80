package io.ailurus.partition.raft;

import io.ailurus.partition.raft.RaftMessage.AppendEntries;
import io.ailurus.partition.raft.RaftMessage.AppendResponse;
import io.ailurus.partition.raft.RaftMessage.InstallLogStart;
import io.ailurus.partition.raft.RaftMessage.PreVoteRequest;
import io.ailurus.partition.raft.RaftMessage.PreVoteResponse;
import io.ailurus.partition.raft.RaftMessage.TimeoutNow;
import io.ailurus.partition.raft.RaftMessage.VoteRequest;
import io.ailurus.partition.raft.RaftMessage.VoteResponse;
import io.ailurus.partition.raft.RaftStateStore.ElectionState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Records;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a Raft group replicating a Kafka log (a partition, or the controller's metadata log): a
 * deterministic state machine with no threads and no clock of its own.
 *
 * <p>The owner drives it with {@link #handle} (a message from a peer), {@link #tick} (time passes; call it every few
 * milliseconds or at least every heartbeat interval / 2), {@link #propose} (client batches, leader only),
 * {@link #onDurable} (group commit fsynced the log up to an offset) and {@link #transferLeadership}. The member
 * answers through its {@link RaftOutbox} and reports through its {@link RaftListener}, both synchronously inside
 * those calls. Not thread-safe: one owner thread (an actor) calls everything.
 *
 * <p>Protocol, as in Ongaro's dissertation, with the Kafka log as the Raft log: the term of a batch is its
 * partitionLeaderEpoch; a position is an offset; the commit index is the high watermark (exclusive).
 * <ul>
 *   <li>Elections: randomized timeouts, pre-vote (no term bump until a majority would vote), a vote lease (members
 *       that heard from a leader within the minimum election timeout refuse pre-votes and ignore vote requests, unless
 *       the request comes from a leadership transfer), term and vote fsynced (via {@link RaftStateStore}) before any
 *       message that depends on them.</li>
 *   <li>Leaders append a LEADER_CHANGE control batch (the no-op) at the start of their term and advance the commit
 *       index only over entries of their own term, counting a member only for what it reported durable.</li>
 *   <li>Check-quorum: a leader that has not heard from a majority within an election timeout steps down.</li>
 *   <li>Followers truncate only at the first conflicting batch and never below the commit index.</li>
 *   <li>A member that needs offsets the leader has deleted (retention, DeleteRecords) gets an InstallLogStart: it
 *       empties its log and starts it at the leader's first batch, as a Kafka follower does; the deleted prefix is
 *       committed, and a Kafka log needs no snapshot of it.</li>
 * </ul>
 */
public final class RaftMember {

    private static final Logger LOG = LoggerFactory.getLogger(RaftMember.class);
    private static final int NO_NODE = -1;

    private final String group;
    private final int selfId;
    /** The voters given at start; in force until the log holds a KRAFT_VOTERS batch. */
    private final List<Integer> initialVoters;
    /** Offset of each KRAFT_VOTERS batch in the log → the voters it declares; the last one is in force. */
    private final TreeMap<Long, List<Integer>> configs = new TreeMap<>();
    private List<Integer> voters;
    private final RaftConfig config;
    private final RaftLog log;
    private final RaftStateStore store;
    private final RaftOutbox outbox;
    private final RaftListener listener;
    private final Random random;

    // persistent (mirrors the store)
    private int term;
    private int votedFor;

    // volatile, every role
    private RaftRole role = RaftRole.FOLLOWER;
    private int leaderId = NO_NODE;
    private long commitIndex;
    private long durableEnd;
    private long logGeneration;
    private long electionDeadlineMs;
    private long lastLeaderContactMs;
    private long refusedTruncations;
    private RaftRole notifiedRole;
    private int notifiedTerm = -1;
    private int notifiedLeader = NO_NODE;

    // pre-candidate and candidate
    private final Set<Integer> votes = new HashSet<>();
    private int preVoteTerm;

    // follower
    private long leaderMatchedEnd;
    private long lastLeaderTimeMs;
    private long reportedDurable;

    // leader
    private final Map<Integer, FollowerProgress> followers = new TreeMap<>();
    /** Non-voting members this leader replicates to (catching up before {@link #addVoter}); not kept across terms. */
    private final Set<Integer> learners = new TreeSet<>();
    private long termStartOffset;
    private long nextHeartbeatMs;
    private long checkQuorumAtMs;
    private long[] leaseTimes = new long[0];
    private int transferTarget = NO_NODE;
    private long transferDeadlineMs;
    private boolean timeoutNowSent;

    /**
     * Starts a member as a follower with no known leader, with the term and vote from {@code store}. Everything in
     * {@code log} is taken as durable (a freshly opened log is). It honours the vote lease from {@code nowMs}: a
     * member that just restarted may have acknowledged a leader right before, so it grants no pre-vote for an
     * election timeout.
     */
    public RaftMember(final String group, final int selfId, final Collection<Integer> voters, final RaftConfig config,
            final RaftLog log, final RaftStateStore store, final RaftOutbox outbox, final RaftListener listener,
            final Random random, final long nowMs) {
        this.group = group;
        this.selfId = selfId;
        this.initialVoters = List.copyOf(new TreeSet<>(voters));
        this.voters = initialVoters;
        this.config = config;
        this.log = log;
        this.store = store;
        this.outbox = outbox;
        this.listener = listener;
        this.random = random;
        final ElectionState state = store.load();
        this.term = state.term();
        this.votedFor = state.votedFor();
        this.durableEnd = log.endOffset();
        this.commitIndex = log.startOffset();
        this.lastLeaderContactMs = nowMs;
        scanVoterSets(log.startOffset(), log.endOffset(), nowMs);
        resetElectionTimer(nowMs);
        LOG.info("[{}] raft member {} started: term={} votedFor={} voters={} logEnd={} lastTerm={}", group, selfId, term,
                votedFor, this.voters, log.endOffset(), log.lastTerm());
        notifyRoleIfChanged();
    }

    // ================================================================================================ inputs

    /** A message from {@code fromNode}. */
    public void handle(final int fromNode, final RaftMessage message, final long nowMs) {
        if (fromNode == selfId) {
            return;
        }
        if (message instanceof AppendEntries m) {
            onAppendEntries(fromNode, m, nowMs);
        } else if (message instanceof AppendResponse m) {
            onAppendResponse(fromNode, m, nowMs);
        } else if (message instanceof PreVoteRequest m) {
            onPreVoteRequest(fromNode, m, nowMs);
        } else if (message instanceof PreVoteResponse m) {
            onPreVoteResponse(fromNode, m, nowMs);
        } else if (message instanceof VoteRequest m) {
            onVoteRequest(fromNode, m, nowMs);
        } else if (message instanceof VoteResponse m) {
            onVoteResponse(fromNode, m, nowMs);
        } else if (message instanceof TimeoutNow m) {
            onTimeoutNow(fromNode, m, nowMs);
        } else if (message instanceof InstallLogStart m) {
            onInstallLogStart(fromNode, m, nowMs);
        }
    }

    /** Time passed: elections, heartbeats, check-quorum, retransmission, transfer deadline. */
    public void tick(final long nowMs) {
        if (role == RaftRole.LEADER) {
            tickLeader(nowMs);
        } else if (nowMs >= electionDeadlineMs) {
            startPreVote(nowMs);
        }
    }

    /**
     * Client batches, as leader: stamps offsets and the current term into the batches (in place) and appends them.
     * Returns where they went, or {@link ProposeResult.NotLeader} when this member does not lead or is transferring
     * leadership. Register the result in {@link CommitWaiters} to acknowledge it when it commits in this term.
     */
    public ProposeResult propose(final MemoryRecords records, final long nowMs) {
        if (role != RaftRole.LEADER || transferTarget != NO_NODE) {
            return new ProposeResult.NotLeader(role == RaftRole.LEADER ? NO_NODE : leaderId, term);
        }
        final long base = log.endOffset();
        final long last = log.appendAsLeader(records, term, nowMs);
        listener.onAppended(log.endOffset());
        for (final FollowerProgress p : followers.values()) {
            sendAppends(p, nowMs);
        }
        return new ProposeResult.Accepted(base, last, term);
    }

    /**
     * Group commit made the log durable below {@code durableEndOffset}. {@code generation} is the value of
     * {@link #logGeneration()} when the flush was requested: a flush that raced with a truncation is ignored,
     * since it may vouch for bytes that were replaced.
     */
    public void onDurable(final long generation, final long durableEndOffset) {
        if (generation != logGeneration) {
            return;
        }
        final long capped = Math.min(durableEndOffset, log.endOffset());
        if (capped <= durableEnd) {
            return;
        }
        durableEnd = capped;
        if (role == RaftRole.LEADER) {
            maybeAdvanceCommit();
        } else if (leaderId != NO_NODE && leaderMatchedEnd > 0) {
            final long durable = Math.min(durableEnd, leaderMatchedEnd);
            if (durable > reportedDurable) {
                reportedDurable = durable;
                send(leaderId, new AppendResponse(term, true, leaderMatchedEnd, durable, -1, -1, lastLeaderTimeMs, false));
            }
        }
    }

    /**
     * Hands leadership to {@code targetId}: stops accepting proposals, brings the target up to date, then sends it
     * TimeoutNow so that it starts an election at once. Gives up after two election timeouts (stepping down if
     * TimeoutNow was already sent, since that message may still arrive and win an election). Returns false when
     * this member is not the leader, a transfer is running, or the target is not another voter.
     */
    public boolean transferLeadership(final int targetId, final long nowMs) {
        if (role != RaftRole.LEADER || transferTarget != NO_NODE || targetId == selfId || !voters.contains(targetId)) {
            return false;
        }
        transferTarget = targetId;
        transferDeadlineMs = nowMs + 2 * config.electionTimeoutMinMs();
        timeoutNowSent = false;
        LOG.info("[{}] leadership transfer started term={} leader={} target={}", group, term, selfId, targetId);
        final FollowerProgress p = followers.get(targetId);
        if (p.matchEnd == log.endOffset()) {
            sendTimeoutNow(p);
        } else {
            sendAppends(p, nowMs);
        }
        return true;
    }

    /**
     * Adds {@code nodeId} as a voter (single-server change, Ongaro §4.1). The new voter set is appended as a
     * KRAFT_VOTERS control batch and takes effect at once, on every member as it appends it. Refused unless this
     * member leads, has committed an entry of its term, and the previous change is committed. Wait for the returned
     * offset to commit, with {@link CommitWaiters}, before the next change. The new member should have caught up
     * (as a non-voting follower) first, or the group may stall while it copies the log.
     */
    public ProposeResult addVoter(final int nodeId, final long nowMs) {
        final ProposeResult refused = checkMembershipChange(nowMs);
        if (refused != null) {
            return refused;
        }
        if (voters.contains(nodeId)) {
            return new ProposeResult.Rejected("node " + nodeId + " is already a voter");
        }
        final List<Integer> next = new ArrayList<>(voters);
        next.add(nodeId);
        return appendVoterSet(next, nowMs);
    }

    /** Removes {@code nodeId} from the voters; the leader cannot remove itself (transfer leadership first). */
    public ProposeResult removeVoter(final int nodeId, final long nowMs) {
        final ProposeResult refused = checkMembershipChange(nowMs);
        if (refused != null) {
            return refused;
        }
        if (!voters.contains(nodeId)) {
            return new ProposeResult.Rejected("node " + nodeId + " is not a voter");
        }
        if (nodeId == selfId) {
            return new ProposeResult.Rejected("the leader cannot remove itself; transfer leadership first");
        }
        final List<Integer> next = new ArrayList<>(voters);
        next.remove(Integer.valueOf(nodeId));
        return appendVoterSet(next, nowMs);
    }

    /**
     * Starts replicating to {@code nodeId} without giving it a vote, so that it can catch up before
     * {@link #addVoter}; follow its progress with {@link #matchEndOf}. Leader only, for the current term only.
     */
    public boolean addLearner(final int nodeId, final long nowMs) {
        if (role != RaftRole.LEADER || nodeId == selfId || voters.contains(nodeId) || !learners.add(nodeId)) {
            return false;
        }
        final FollowerProgress p = new FollowerProgress(nodeId, log.endOffset(), nowMs);
        followers.put(nodeId, p);
        LOG.info("[{}] replicating to learner {} term={} leader={}", group, nodeId, term, selfId);
        sendAppends(p, nowMs);
        return true;
    }

    /** As leader: the end of the prefix {@code nodeId} is known to share with this log, or -1 if it is not replicated to. */
    public long matchEndOf(final int nodeId) {
        final FollowerProgress p = role == RaftRole.LEADER ? followers.get(nodeId) : null;
        return p == null ? -1 : p.matchEnd;
    }

    private ProposeResult checkMembershipChange(final long nowMs) {
        if (role != RaftRole.LEADER || transferTarget != NO_NODE) {
            return new ProposeResult.NotLeader(role == RaftRole.LEADER ? NO_NODE : leaderId, term);
        }
        if (commitIndex <= termStartOffset) {
            return new ProposeResult.Rejected("no entry of term " + term + " is committed yet");
        }
        if (!configs.isEmpty() && configs.lastKey() >= commitIndex) {
            return new ProposeResult.Rejected("the previous voter change at offset " + configs.lastKey() + " is not committed");
        }
        return null;
    }

    private ProposeResult appendVoterSet(final List<Integer> next, final long nowMs) {
        final long base = log.endOffset();
        final long last = log.appendAsLeader(ControlBatches.voters(next), term, nowMs);
        configs.put(base, List.copyOf(new TreeSet<>(next)));
        applyVoters(nowMs);
        listener.onAppended(log.endOffset());
        for (final FollowerProgress p : followers.values()) {
            sendAppends(p, nowMs);
        }
        maybeAdvanceCommit();
        return new ProposeResult.Accepted(base, last, term);
    }

    /** Records the voter sets declared by batches in [from, to) of the log. */
    private void scanVoterSets(final long from, final long to, final long nowMs) {
        long offset = from;
        boolean found = false;
        while (offset < to) {
            final RaftLog.Slice slice = log.read(offset, 1024 * 1024);
            if (slice.isEmpty()) {
                break;
            }
            for (final org.apache.kafka.common.record.RecordBatch batch : slice.records().batches()) {
                if (batch.baseOffset() >= from && batch.baseOffset() < to) {
                    final List<Integer> declared = ControlBatches.votersIn(batch);
                    if (declared != null) {
                        configs.put(batch.baseOffset(), declared);
                        found = true;
                    }
                }
            }
            offset = slice.endOffset();
        }
        if (found) {
            applyVoters(nowMs);
        }
    }

    /** Puts the latest voter set of the log in force (and, as leader, starts or stops replicating to members). */
    private void applyVoters(final long nowMs) {
        final List<Integer> next = configs.isEmpty() ? initialVoters : configs.lastEntry().getValue();
        if (next.equals(voters)) {
            return;
        }
        LOG.info("[{}] voters now {} (were {}) term={} leader={} node={}", group, next, voters, term, leaderId, selfId);
        voters = next;
        if (role == RaftRole.LEADER) {
            learners.removeAll(voters);
            followers.keySet().removeIf(id -> !voters.contains(id) && !learners.contains(id));
            for (final int v : voters) {
                if (v != selfId && !followers.containsKey(v)) {
                    followers.put(v, new FollowerProgress(v, log.endOffset(), nowMs));
                }
            }
        } else if (!voters.contains(selfId) && role != RaftRole.FOLLOWER) {
            becomeFollower(term, NO_NODE, nowMs);
        }
        listener.onVotersChanged(voters);
    }

    // ================================================================================================ queries

    /**
     * True when this member leads, has committed an entry of its term (so its commit index covers everything
     * committed before it), is not transferring leadership, and a majority acknowledged an AppendEntries sent less
     * than (election timeout − lease margin) ago: no other leader can exist yet, since voters refuse pre-votes and
     * votes for an election timeout after hearing from this leader. Check it before answering linearizable reads
     * (ListOffsets, OffsetForLeaderEpoch, metadata).
     */
    public boolean isLeaderWithQuorum(final long nowMs) {
        return nowMs < readLeaseUntilMs(nowMs);
    }

    /**
     * Until when (exclusive, on the member's clock) this member may answer linearizable reads alone, as of
     * {@code nowMs}: {@link Long#MIN_VALUE} when it may not (see {@link #isLeaderWithQuorum}), {@link Long#MAX_VALUE}
     * for a lone voter.
     */
    public long readLeaseUntilMs(final long nowMs) {
        if (role != RaftRole.LEADER || transferTarget != NO_NODE || timeoutNowSent
                || (commitIndex <= termStartOffset && !alone())) {
            return Long.MIN_VALUE;
        }
        if (alone()) {
            return Long.MAX_VALUE;
        }
        // Reused: the replica asks after every Raft message it handles.
        if (leaseTimes.length != voters.size()) {
            leaseTimes = new long[voters.size()];
        }
        final long[] times = leaseTimes;
        int i = 0;
        for (final int v : voters) {
            times[i++] = v == selfId ? nowMs : (followers.containsKey(v) ? followers.get(v).leaseSentMs : Long.MIN_VALUE);
        }
        Arrays.sort(times);
        final long quorumTime = times[times.length - quorum()];
        return quorumTime == Long.MIN_VALUE ? Long.MIN_VALUE
                : quorumTime + config.electionTimeoutMinMs() - config.leaseMarginMs();
    }

    public RaftRole role() {
        return role;
    }

    public boolean isLeader() {
        return role == RaftRole.LEADER;
    }

    public int term() {
        return term;
    }

    public int votedFor() {
        return votedFor;
    }

    /** The known leader of the current term, or -1. */
    public int leaderId() {
        return leaderId;
    }

    /** The high watermark: every offset below it is committed. */
    public long commitIndex() {
        return commitIndex;
    }

    /** What this member's own log has fsynced, as reported by {@link #onDurable}. */
    public long durableEnd() {
        return durableEnd;
    }

    /** Changes on every truncation and log reset; pass the value read before a flush to {@link #onDurable}. */
    public long logGeneration() {
        return logGeneration;
    }

    public int selfId() {
        return selfId;
    }

    public List<Integer> voters() {
        return voters;
    }

    /** Whether the voter set in force is committed (no membership change is under way). */
    public boolean votersCommitted() {
        return configs.isEmpty() || configs.lastKey() < commitIndex;
    }

    /** Whether {@code nodeId} is being replicated to without a vote. */
    public boolean isLearner(final int nodeId) {
        return learners.contains(nodeId);
    }

    public String group() {
        return group;
    }

    /** Times an AppendEntries asked to truncate committed entries and was refused; non-zero means a bug. */
    public long refusedTruncations() {
        return refusedTruncations;
    }

    // ================================================================================================ elections

    private void onPreVoteRequest(final int from, final PreVoteRequest m, final long nowMs) {
        final boolean granted = m.term() > term && !inLeaderLease(nowMs) && isUpToDate(m.lastLogTerm(), m.lastLogEnd());
        send(from, new PreVoteResponse(term, m.term(), granted));
    }

    private void onPreVoteResponse(final int from, final PreVoteResponse m, final long nowMs) {
        if (m.term() > term && !m.granted()) {
            // Someone is ahead: adopt its term, so that our next pre-vote can win (avoids a pre-vote deadlock).
            becomeFollower(m.term(), NO_NODE, nowMs);
            return;
        }
        if (role != RaftRole.PRE_CANDIDATE || m.proposedTerm() != preVoteTerm || !m.granted() || !voters.contains(from)) {
            return;
        }
        votes.add(from);
        if (votes.size() >= quorum()) {
            startElection(nowMs, false);
        }
    }

    private void onVoteRequest(final int from, final VoteRequest m, final long nowMs) {
        if (m.term() < term) {
            send(from, new VoteResponse(term, false));
            return;
        }
        if (m.term() > term) {
            if (!m.leadershipTransfer() && inLeaderLease(nowMs)) {
                return;   // a leader is alive: do not let a stray candidate bump our term
            }
            becomeFollower(m.term(), NO_NODE, nowMs);
        }
        final boolean grant = role != RaftRole.LEADER && (votedFor == NO_NODE || votedFor == from)
                && isUpToDate(m.lastLogTerm(), m.lastLogEnd());
        if (grant) {
            if (votedFor != from) {
                persist(term, from);
            }
            resetElectionTimer(nowMs);
        }
        send(from, new VoteResponse(term, grant));
    }

    private void onVoteResponse(final int from, final VoteResponse m, final long nowMs) {
        if (m.term() > term) {
            becomeFollower(m.term(), NO_NODE, nowMs);
            return;
        }
        if (role != RaftRole.CANDIDATE || m.term() != term || !m.granted() || !voters.contains(from)) {
            return;
        }
        votes.add(from);
        if (votes.size() >= quorum()) {
            becomeLeader(nowMs);
        }
    }

    private void onTimeoutNow(final int from, final TimeoutNow m, final long nowMs) {
        if (m.term() == term && from == leaderId && role == RaftRole.FOLLOWER && voters.contains(selfId)) {
            LOG.info("[{}] TimeoutNow from leader={} in term={}: starting an election", group, from, term);
            startElection(nowMs, true);
        }
    }

    private void startPreVote(final long nowMs) {
        resetElectionTimer(nowMs);
        if (!voters.contains(selfId)) {
            return;
        }
        role = RaftRole.PRE_CANDIDATE;
        leaderId = NO_NODE;
        preVoteTerm = term + 1;
        votes.clear();
        votes.add(selfId);
        notifyRoleIfChanged();
        LOG.debug("[{}] pre-vote for term={} node={}", group, preVoteTerm, selfId);
        if (votes.size() >= quorum()) {
            startElection(nowMs, false);
            return;
        }
        final PreVoteRequest request = new PreVoteRequest(preVoteTerm, log.endOffset(), log.lastTerm());
        for (final int v : voters) {
            if (v != selfId) {
                send(v, request);
            }
        }
    }

    private void startElection(final long nowMs, final boolean transfer) {
        persist(term + 1, selfId);   // durable before any VoteRequest of the new term leaves
        role = RaftRole.CANDIDATE;
        leaderId = NO_NODE;
        leaderMatchedEnd = 0;
        votes.clear();
        votes.add(selfId);
        resetElectionTimer(nowMs);
        notifyRoleIfChanged();
        LOG.info("[{}] election started term={} candidate={} transfer={}", group, term, selfId, transfer);
        if (votes.size() >= quorum()) {
            becomeLeader(nowMs);
            return;
        }
        final VoteRequest request = new VoteRequest(term, log.endOffset(), log.lastTerm(), transfer);
        for (final int v : voters) {
            if (v != selfId) {
                send(v, request);
            }
        }
    }

    private void becomeLeader(final long nowMs) {
        role = RaftRole.LEADER;
        leaderId = selfId;
        votes.clear();
        followers.clear();
        final long end = log.endOffset();
        for (final int v : voters) {
            if (v != selfId) {
                followers.put(v, new FollowerProgress(v, end, nowMs));
            }
        }
        transferTarget = NO_NODE;
        timeoutNowSent = false;
        nextHeartbeatMs = nowMs + config.heartbeatIntervalMs();
        checkQuorumAtMs = nowMs + config.electionTimeoutMinMs();
        // The no-op of this term: committing it commits every earlier entry (Raft §5.4.2), and only then may
        // the commit index move or reads be served.
        termStartOffset = end;
        if (alone()) {
            // A lone voter's durable log is the committed log (no other member can hold a different one), so it
            // needs no marker of its term, which would give each restart of a single-replica partition an offset gap.
            LOG.info("[{}] elected leader term={} leader={} logEnd={} commitIndex={}", group, term, selfId, end, commitIndex);
            notifyRoleIfChanged();
            final long before = commitIndex;
            advanceCommit(durableEnd);
            if (commitIndex == before) {
                listener.onCommit(commitIndex, term, true);   // serving starts now even with nothing to commit
            }
            return;
        }
        log.appendAsLeader(ControlBatches.leaderChange(selfId, voters), term, nowMs);
        LOG.info("[{}] elected leader term={} leader={} logEnd={} commitIndex={}", group, term, selfId, end, commitIndex);
        notifyRoleIfChanged();
        listener.onAppended(log.endOffset());
        for (final FollowerProgress p : followers.values()) {
            sendAppends(p, nowMs);
        }
        maybeAdvanceCommit();
    }

    /** Becomes a follower of {@code leader} (or of nobody yet) in {@code newTerm} ≥ the current term. */
    private void becomeFollower(final int newTerm, final int leader, final long nowMs) {
        if (newTerm > term) {
            persist(newTerm, NO_NODE);
            leaderMatchedEnd = 0;
        }
        if (role == RaftRole.LEADER) {
            LOG.info("[{}] stepped down term={} leader={} newLeader={}", group, term, selfId, leader);
            followers.clear();
            learners.clear();
            transferTarget = NO_NODE;
        }
        if (leader != leaderId) {
            leaderMatchedEnd = 0;
            reportedDurable = 0;
        }
        role = RaftRole.FOLLOWER;
        leaderId = leader;
        votes.clear();
        resetElectionTimer(nowMs);
        notifyRoleIfChanged();
    }

    /** Whether a candidate whose log ends at (lastTerm, lastEnd) is at least as up to date as ours (Raft §5.4.1). */
    private boolean isUpToDate(final int lastTerm, final long lastEnd) {
        final int ours = log.lastTerm();
        return lastTerm > ours || (lastTerm == ours && lastEnd >= log.endOffset());
    }

    /** A leader is (or was very recently) alive: a leader is always, a follower for an election timeout after contact. */
    private boolean inLeaderLease(final long nowMs) {
        return role == RaftRole.LEADER || nowMs - lastLeaderContactMs < config.electionTimeoutMinMs();
    }

    // ================================================================================================ follower side

    private void onAppendEntries(final int from, final AppendEntries m, final long nowMs) {
        if (acceptLeader(from, m.term(), m.leaderTimeMs(), nowMs)) {
            appendFromLeader(from, m, nowMs);
        }
    }

    /**
     * Term and leader bookkeeping of a message from a leader (AppendEntries, InstallLogStart). Returns false when
     * the message must be dropped: its term is stale (answered with ours, so that the deposed leader steps down), or
     * it claims the term we lead.
     */
    private boolean acceptLeader(final int from, final int leaderTerm, final long leaderTimeMs, final long nowMs) {
        if (leaderTerm < term) {
            send(from, new AppendResponse(term, false, 0, 0, log.endOffset(), -1, leaderTimeMs, true));
            return false;
        }
        if (leaderTerm == term && role == RaftRole.LEADER) {
            LOG.error("[{}] two leaders in term={}: {} and {}; ignoring their message", group, term, selfId, from);
            return false;
        }
        if (leaderTerm > term || role != RaftRole.FOLLOWER || leaderId != from) {
            becomeFollower(leaderTerm, from, nowMs);
            LOG.info("[{}] following term={} leader={} node={}", group, term, from, selfId);
        }
        lastLeaderContactMs = nowMs;
        lastLeaderTimeMs = Math.max(lastLeaderTimeMs, leaderTimeMs);
        resetElectionTimer(nowMs);
        return true;
    }

    private void appendFromLeader(final int from, final AppendEntries m, final long nowMs) {
        final long prev = m.prevLogEnd();
        if (prev > log.endOffset()) {
            reject(from, m, log.endOffset(), -1);
            return;
        }
        if (prev > log.startOffset() && log.termAt(prev - 1) != m.prevTerm()) {
            final int ourTerm = log.termAt(prev - 1);
            reject(from, m, Math.max(log.startOfTermAt(prev - 1), log.startOffset()), ourTerm);
            return;
        }
        final long matched = takeBatches(m, nowMs);
        if (matched < 0) {
            reject(from, m, commitIndex, -1);
            return;
        }
        leaderMatchedEnd = Math.max(leaderMatchedEnd, matched);
        advanceCommit(Math.min(m.leaderCommit(), leaderMatchedEnd));
        followLogStart(m.leaderLogStart());
        final long durable = Math.min(durableEnd, leaderMatchedEnd);
        reportedDurable = Math.max(reportedDurable, durable);
        send(from, new AppendResponse(term, true, leaderMatchedEnd, durable, -1, -1, m.leaderTimeMs(), true));
    }

    /**
     * Appends the batches of {@code m} that the log does not hold yet. A batch already held (same last offset and
     * term) is skipped: by log matching everything before it matches too, so a delayed or duplicated request never
     * truncates. Truncates only at the first batch that conflicts, and refuses (returns -1) if that is below the
     * commit index. Returns the end offset up to which the log now equals the leader's.
     */
    private long takeBatches(final AppendEntries m, final long nowMs) {
        final Records records = m.batches();
        if (records.sizeInBytes() == 0) {
            return m.prevLogEnd();
        }
        final MemoryRecords memory = records instanceof MemoryRecords mr ? mr : copy(records);
        long expected = m.prevLogEnd();
        int position = 0;
        int appendFrom = -1;
        for (final MutableRecordBatch batch : memory.batches()) {
            if (batch.baseOffset() != expected) {
                LOG.warn("[{}] AppendEntries from term={} has a gap at {} (expected {}); taking the prefix", group,
                        m.term(), batch.baseOffset(), expected);
                break;
            }
            if (appendFrom < 0) {
                final long end = log.endOffset();
                // Below our log start everything is committed, so it matches; after a reset we no longer know its
                // terms, and must not take it for a conflict.
                final boolean belowStart = batch.lastOffset() < log.startOffset();
                if (belowStart || batch.lastOffset() < end && log.termAt(batch.lastOffset()) == batch.partitionLeaderEpoch()) {
                    expected = batch.nextOffset();
                    position += batch.sizeInBytes();
                    continue;
                }
                if (batch.baseOffset() < end) {
                    if (batch.baseOffset() < commitIndex) {
                        refusedTruncations++;
                        LOG.error("[{}] refusing to truncate committed offsets: conflict at {} below commitIndex={} term={} leader={}",
                                group, batch.baseOffset(), commitIndex, term, leaderId);
                        return -1;
                    }
                    truncate(batch.baseOffset(), nowMs);
                }
                appendFrom = position;
            }
            expected = batch.nextOffset();
            position += batch.sizeInBytes();
        }
        if (appendFrom >= 0) {
            final ByteBuffer buffer = memory.buffer().duplicate();
            final int start = buffer.position();
            buffer.position(start + appendFrom);
            buffer.limit(start + position);
            final MemoryRecords appended = MemoryRecords.readableRecords(buffer.slice());
            log.appendReplicated(appended, nowMs);
            boolean votersChanged = false;
            for (final MutableRecordBatch batch : appended.batches()) {
                final List<Integer> declared = ControlBatches.votersIn(batch);
                if (declared != null) {
                    configs.put(batch.baseOffset(), declared);
                    votersChanged = true;
                }
            }
            if (votersChanged) {
                applyVoters(nowMs);
            }
            listener.onAppended(log.endOffset());
        }
        return expected;
    }

    private void truncate(final long offset, final long nowMs) {
        final long before = log.endOffset();
        log.truncateTo(offset);
        logGeneration++;
        durableEnd = Math.min(durableEnd, log.endOffset());
        if (!configs.tailMap(log.endOffset(), true).isEmpty()) {
            configs.tailMap(log.endOffset(), true).clear();
            applyVoters(nowMs);   // a voter change that was not committed is undone with its batch
        }
        LOG.info("[{}] truncated log from {} to offset {} term={} leader={} commitIndex={}", group, before,
                log.endOffset(), term, leaderId, commitIndex);
        listener.onTruncated(log.endOffset());
    }

    /**
     * The leader no longer holds what we need. If our log ends before its start (we lack its prefix entirely), or
     * holds an uncommitted batch of another term just before it (the suffix of an old leader), we empty our log and
     * start it there. If our log reaches the start and matches there, this is an empty AppendEntries at
     * (startOffset, startTerm). Our committed prefix is never reset while it reaches the start.
     */
    private void onInstallLogStart(final int from, final InstallLogStart m, final long nowMs) {
        if (!acceptLeader(from, m.term(), m.leaderTimeMs(), nowMs)) {
            return;
        }
        final long start = m.startOffset();
        final boolean lacksPrefix = log.endOffset() < start;
        final boolean conflicts = !lacksPrefix && start > log.startOffset() && log.termAt(start - 1) != m.startTerm();
        if (lacksPrefix || (conflicts && commitIndex < start)) {
            resetLog(m, nowMs);
            LOG.info("[{}] log reset to start at {} by leader {} term {}", group, start, from, term);
            leaderMatchedEnd = start;
            reportedDurable = Math.max(reportedDurable, start);
            advanceCommit(Math.min(m.leaderCommit(), leaderMatchedEnd));
            send(from, new AppendResponse(term, true, start, start, -1, -1, m.leaderTimeMs(), true));
        } else if (conflicts) {
            // Our committed batch disagrees with the term the leader gives for its start: it may not know that term
            // (its epoch history was rebuilt from what it still holds). Let it probe from our end instead.
            LOG.warn("[{}] InstallLogStart at {} says term {} but our committed batch there has term {}; not resetting"
                    + " term={} leader={} commitIndex={}", group, start, m.startTerm(), log.termAt(start - 1), term, from,
                    commitIndex);
            send(from, new AppendResponse(term, false, 0, 0, log.endOffset(), -1, m.leaderTimeMs(), true));
        } else {
            appendFromLeader(from, new AppendEntries(m.term(), start, m.startTerm(), m.leaderCommit(), m.leaderTimeMs(),
                    MemoryRecords.EMPTY), nowMs);
        }
    }

    /** Empties the log at the leader's start, and the state derived from it, as a truncation does. */
    private void resetLog(final InstallLogStart m, final long nowMs) {
        final long start = m.startOffset();
        log.resetTo(start, m.startTerm());
        logGeneration++;
        durableEnd = start;   // the reset is durable, and the log holds nothing above it
        // Everything below the start is committed and deleted, the KRAFT_VOTERS batches with it: keep the set the
        // leader says is in force there, as if declared just before the start.
        configs.clear();
        configs.put(start - 1, List.copyOf(new TreeSet<>(m.voters())));
        applyVoters(nowMs);
        listener.onTruncated(start);
        advanceCommit(start);
    }

    private void reject(final int to, final AppendEntries m, final long hintOffset, final int hintTerm) {
        send(to, new AppendResponse(term, false, 0, 0, hintOffset, hintTerm, m.leaderTimeMs(), true));
    }

    private static MemoryRecords copy(final Records records) {
        final ByteBuffer buffer = ByteBuffer.allocate(records.sizeInBytes());
        for (final var batch : records.batches()) {
            batch.writeTo(buffer);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    // ================================================================================================ leader side

    private void tickLeader(final long nowMs) {
        if (transferTarget != NO_NODE && nowMs >= transferDeadlineMs) {
            LOG.info("[{}] leadership transfer to {} timed out term={} leader={}", group, transferTarget, term, selfId);
            transferTarget = NO_NODE;
            if (timeoutNowSent) {
                // A delayed TimeoutNow may still start an election that ignores our lease: stop leading rather
                // than serve reads on a lease that no longer holds.
                becomeFollower(term, NO_NODE, nowMs);
                return;
            }
        }
        if (nowMs >= checkQuorumAtMs) {
            if (!heardFromQuorum(nowMs)) {
                LOG.info("[{}] check-quorum failed: no majority heard within {} ms; stepping down term={} leader={}",
                        group, config.electionTimeoutMinMs(), term, selfId);
                becomeFollower(term, NO_NODE, nowMs);
                return;
            }
            checkQuorumAtMs = nowMs + config.electionTimeoutMinMs();
        }
        if (nowMs >= nextHeartbeatMs) {
            nextHeartbeatMs = nowMs + config.heartbeatIntervalMs();
            for (final FollowerProgress p : followers.values()) {
                final FollowerProgress.Inflight oldest = p.inflight.peek();
                if (oldest != null && nowMs - oldest.sentMs() >= config.retransmitTimeoutMs()) {
                    p.restartFrom(p.matchEnd, nowMs);   // presumed lost: resend from what we know it holds
                }
                sendHeartbeat(p, nowMs);
                sendAppends(p, nowMs);
            }
        }
    }

    private boolean heardFromQuorum(final long nowMs) {
        int heard = voters.contains(selfId) ? 1 : 0;
        for (final FollowerProgress p : followers.values()) {
            if (voters.contains(p.nodeId) && nowMs - p.lastContactMs < config.electionTimeoutMinMs()) {
                heard++;
            }
        }
        return heard >= quorum();
    }

    private void onAppendResponse(final int from, final AppendResponse m, final long nowMs) {
        if (m.term() > term) {
            becomeFollower(m.term(), NO_NODE, nowMs);
            return;
        }
        if (role != RaftRole.LEADER || m.term() != term) {
            return;
        }
        final FollowerProgress p = followers.get(from);
        if (p == null) {
            return;
        }
        p.lastContactMs = nowMs;
        p.leaseSentMs = Math.max(p.leaseSentMs, m.leaderTimeMs());
        if (m.success()) {
            final long end = log.endOffset();
            p.matchEnd = Math.max(p.matchEnd, Math.min(m.matchEnd(), end));
            p.durableEnd = Math.max(p.durableEnd, Math.min(m.durableEnd(), p.matchEnd));
            while (!p.inflight.isEmpty() && p.inflight.peek().endOffset() <= p.matchEnd) {
                p.inflight.poll();
            }
            if (p.probing && p.matchEnd >= p.nextOffset) {
                p.probing = false;
            }
            p.nextOffset = Math.max(p.nextOffset, p.matchEnd);
            maybeAdvanceCommit();
        } else if (m.solicited() && m.leaderTimeMs() >= p.restartedAtMs) {
            // (A rejection of a request sent before the last restart is stale: acting on it, and on its duplicates,
            // would multiply probes.)
            long next = m.hintOffset();
            if (m.hintTerm() >= 0) {
                final EpochHistory.EpochEndOffset ours = log.endOffsetFor(m.hintTerm());
                if (ours.epoch() == m.hintTerm()) {
                    next = ours.endOffset();   // both hold that term's batches up to where ours end
                }
            }
            p.restartFrom(Math.min(next, log.endOffset()), nowMs);   // (below our log start: sendAppends installs it)
        }
        if (role != RaftRole.LEADER) {
            return;
        }
        if (from == transferTarget && !timeoutNowSent && p.matchEnd == log.endOffset()) {
            sendTimeoutNow(p);
        }
        sendAppends(p, nowMs);
    }

    /** Sends as many AppendEntries with batches as the window allows (one while probing). */
    private void sendAppends(final FollowerProgress p, final long nowMs) {
        final int window = p.probing ? 1 : config.maxInflightAppends();
        if (p.nextOffset < log.startOffset()) {
            if (!p.inflight.isEmpty()) {
                return;   // an InstallLogStart is in flight: one at a time, resent only after the retransmit timeout
            }
            final long firstBatch = firstBatchOffset();
            if (p.nextOffset < firstBatch) {
                sendInstallLogStart(p, firstBatch, nowMs);
                return;
            }
        }
        if (p.probing && p.inflight.isEmpty() && p.nextOffset >= log.endOffset() && p.matchEnd < p.nextOffset) {
            // Nothing to send yet but the match point is unknown (a new learner or voter): probe it with an empty
            // request, whose rejection tells where the member's log ends.
            final long prev = p.nextOffset;
            send(p.nodeId, new AppendEntries(term, prev, log.termAt(prev - 1), commitIndex, nowMs, MemoryRecords.EMPTY,
                log.startOffset()));
            p.inflight.add(new FollowerProgress.Inflight(prev, nowMs));
            return;
        }
        while (p.inflight.size() < window && p.nextOffset < log.endOffset()) {
            // (From the log start, the read returns the batch holding it whole, from its first offset.)
            final RaftLog.Slice slice = log.read(Math.max(p.nextOffset, log.startOffset()), config.maxAppendBytes());
            if (slice.isEmpty()) {
                break;
            }
            final long prev = slice.firstBatchOffset();
            send(p.nodeId, new AppendEntries(term, prev, log.termAt(prev - 1), commitIndex, nowMs, slice.records(),
                    log.startOffset()));
            p.inflight.add(new FollowerProgress.Inflight(slice.endOffset(), nowMs));
            p.nextOffset = slice.endOffset();
        }
    }

    /**
     * Retention or DeleteRecords removed what this member needs: tell it where our log starts. Tracked as an
     * in-flight append ending at {@code firstBatch}, so that it is resent after the retransmit timeout if lost.
     */
    private void sendInstallLogStart(final FollowerProgress p, final long firstBatch, final long nowMs) {
        LOG.info("[{}] member {} needs offset {} below the log start {}; sending InstallLogStart at {} term={} leader={}",
                group, p.nodeId, p.nextOffset, log.startOffset(), firstBatch, term, selfId);
        send(p.nodeId, new InstallLogStart(term, firstBatch, log.termAt(firstBatch - 1), votersAt(firstBatch), commitIndex,
                nowMs));
        p.inflight.add(new FollowerProgress.Inflight(firstBatch, nowMs));
    }

    /**
     * The first offset we can send: that of the batch holding the log start. DeleteRecords may move the start into a
     * batch, which stays whole, and replicas must keep the same batch boundaries.
     */
    private long firstBatchOffset() {
        final RaftLog.Slice first = log.read(log.startOffset(), 1);
        return first.isEmpty() ? log.startOffset() : first.firstBatchOffset();
    }

    /**
     * The voter set in force at {@code offset}: that of the last KRAFT_VOTERS batch before it. Once those batches
     * are deleted and the member has restarted, no batch may be known; then the voters given at start are the best
     * it knows (a set received with an InstallLogStart is lost too: the owner should pass the current voters).
     */
    private List<Integer> votersAt(final long offset) {
        final Map.Entry<Long, List<Integer>> declared = configs.lowerEntry(offset);
        return declared != null ? declared.getValue() : initialVoters;
    }

    /** An empty AppendEntries at the known match point: keeps the lease, carries the commit index, never rejected by a healthy follower. */
    private void sendHeartbeat(final FollowerProgress p, final long nowMs) {
        final long prev = p.matchEnd;
        send(p.nodeId, new AppendEntries(term, prev, log.termAt(prev - 1), commitIndex, nowMs, MemoryRecords.EMPTY,
                log.startOffset()));
    }

    private void sendTimeoutNow(final FollowerProgress p) {
        timeoutNowSent = true;   // from now on the read lease is void: the target may win without waiting
        LOG.info("[{}] sending TimeoutNow term={} leader={} target={}", group, term, selfId, p.nodeId);
        send(p.nodeId, new TimeoutNow(term));
    }

    /** Moves the commit index to the largest end offset durable on a majority, if an entry of this term ends there. */
    private void maybeAdvanceCommit() {
        if (role != RaftRole.LEADER) {
            return;
        }
        final long[] ends = new long[voters.size()];
        int i = 0;
        for (final int v : voters) {
            if (v == selfId) {
                ends[i++] = durableEnd;
            } else {
                final FollowerProgress p = followers.get(v);
                ends[i++] = p == null ? 0 : p.durableEnd;
            }
        }
        Arrays.sort(ends);
        final long candidate = ends[ends.length - quorum()];
        if (candidate > commitIndex && (log.termAt(candidate - 1) == term || alone())) {
            advanceCommit(candidate);
        }
    }

    /**
     * Moves this log's start up to the leader's (DeleteRecords on the leader), never past what is committed here, so
     * that a later leader does not serve records a client deleted.
     */
    private void followLogStart(final long leaderLogStart) {
        final long target = Math.min(leaderLogStart, commitIndex);
        if (target > log.startOffset()) {
            log.advanceStartTo(target);
        }
    }

    private void advanceCommit(final long newCommit) {
        if (newCommit <= commitIndex) {
            return;
        }
        commitIndex = newCommit;
        log.setHighWatermark(newCommit);
        listener.onCommit(newCommit, term, role == RaftRole.LEADER);
    }

    // ================================================================================================ helpers

    /** The only voter is this member: it commits what it has made durable, and needs no term marker. */
    private boolean alone() {
        return voters.size() == 1 && voters.get(0) == selfId;
    }

    private int quorum() {
        return voters.size() / 2 + 1;
    }

    private void persist(final int newTerm, final int newVotedFor) {
        store.save(new ElectionState(newTerm, newVotedFor));
        term = newTerm;
        votedFor = newVotedFor;
    }

    private void resetElectionTimer(final long nowMs) {
        final long min = config.electionTimeoutMinMs();
        electionDeadlineMs = nowMs + min + (long) (random.nextDouble() * min);
    }

    private void send(final int to, final RaftMessage message) {
        outbox.send(to, message);
    }

    private void notifyRoleIfChanged() {
        if (role != notifiedRole || term != notifiedTerm || leaderId != notifiedLeader) {
            notifiedRole = role;
            notifiedTerm = term;
            notifiedLeader = leaderId;
            listener.onRoleChange(role, term, leaderId);
        }
    }

    /** For logs and test failure messages. */
    public String describe() {
        final List<String> progress = new ArrayList<>();
        for (final FollowerProgress p : followers.values()) {
            progress.add(p.toString());
        }
        return "member " + selfId + " " + role + " term=" + term + " votedFor=" + votedFor + " leader=" + leaderId
                + " logEnd=" + log.endOffset() + " durable=" + durableEnd + " commit=" + commitIndex
                + (progress.isEmpty() ? "" : " " + progress);
    }

    @Override
    public String toString() {
        return "RaftMember[" + group + " " + describe() + "]";
    }
}
