package io.ailurus.kafka.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) for the groups of one coordinator, as a state
 * machine: requests and timers in, answers, group records to write and timers out (through {@link GroupEffects}).
 *
 * <p>Rebalances follow Kafka's rules (see {@link ClassicGroup} for the states): members that vanish are expired after
 * their session timeout, members that do not rejoin within the rebalance timeout are dropped, a static member
 * ({@code group.instance.id}) that rejoins with the same subscription gets its assignment back without a rebalance and
 * fences its previous incarnation. The assignment itself is computed by the client leader and stored before the
 * members get it.
 */
final class ClassicGroupProtocol {

    /** A JoinGroup and where its answer goes (held by the member until the join phase ends). */
    record JoinCall(JoinGroupRequestData request, short version, String clientId, String clientHost,
            Consumer<JoinGroupResponseData> reply) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupProtocol.class);

    private final Map<String, ClassicGroup> groups;
    private final GroupEffects effects;
    private final GroupSettings settings;
    private final ConsumerProtocolCoordinator consumerProtocol;

    ClassicGroupProtocol(final Map<String, ClassicGroup> groups, final GroupEffects effects, final GroupSettings settings,
            final ConsumerProtocolCoordinator consumerProtocol) {
        this.groups = groups;
        this.effects = effects;
        this.settings = settings;
        this.consumerProtocol = consumerProtocol;
    }

    // ------------------------------------------------------------------------------------------------ join

    void join(final JoinCall join) {
        final JoinGroupRequestData req = join.request();
        if (req.groupId() == null || req.groupId().isEmpty()) {
            join.reply().accept(joinError(Errors.INVALID_GROUP_ID, req.memberId()));
            return;
        }
        if (req.sessionTimeoutMs() < settings.minSessionTimeoutMs() || req.sessionTimeoutMs() > settings.maxSessionTimeoutMs()) {
            join.reply().accept(joinError(Errors.INVALID_SESSION_TIMEOUT, req.memberId()));
            return;
        }
        if (consumerProtocol.isActive(req.groupId())) {
            join.reply().accept(joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            return;
        }
        final boolean unknownMember = req.memberId().isEmpty();
        ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            if (!unknownMember) {
                join.reply().accept(joinError(Errors.UNKNOWN_MEMBER_ID, req.memberId()));
                return;
            }
            group = new ClassicGroup(req.groupId());
            groups.put(req.groupId(), group);
        }
        final List<GroupMember.Protocol> protocols = new ArrayList<>();
        req.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        if (protocols.isEmpty() || !group.acceptsProtocols(req.protocolType(), protocols)) {
            join.reply().accept(joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            return;
        }
        if (unknownMember) {
            joinUnknownMember(group, join, protocols);
        } else {
            joinKnownMember(group, join, protocols);
        }
    }

    private void joinUnknownMember(final ClassicGroup group, final JoinCall join, final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        final String instanceId = req.groupInstanceId();
        if (instanceId == null && group.members.size() >= settings.maxGroupSize()) {
            join.reply().accept(joinError(Errors.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        final String memberId = (instanceId != null ? instanceId : join.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null && group.staticMembers.containsKey(instanceId)) {
            replaceStaticMember(group, group.staticMembers.get(instanceId), memberId, join, protocols);
        } else if (instanceId == null && join.version() >= 4) {
            // KIP-394: hand out the id first; the member joins with it, so a retried join cannot leave a ghost behind.
            group.pendingMembers.add(memberId);
            effects.schedule(pendingKey(group, memberId), new GroupTimer.PendingExpired(group.groupId, memberId),
                    req.sessionTimeoutMs());
            join.reply().accept(joinError(Errors.MEMBER_ID_REQUIRED, memberId));
        } else {
            addMemberAndRebalance(group, memberId, join, protocols);
        }
    }

    private void joinKnownMember(final ClassicGroup group, final JoinCall join, final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        final String memberId = req.memberId();
        if (group.pendingMembers.remove(memberId)) {
            effects.cancel(pendingKey(group, memberId));
            addMemberAndRebalance(group, memberId, join, protocols);
            return;
        }
        final Errors memberError = checkMember(group, memberId, req.groupInstanceId());
        if (memberError != Errors.NONE) {
            join.reply().accept(joinError(memberError, memberId));
            return;
        }
        final GroupMember member = group.members.get(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                update(member, join, protocols);
                checkJoinComplete(group);
            }
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(protocols)) {
                    join.reply().accept(joinResponse(group, member, memberId.equals(group.leaderId)));
                } else {
                    update(member, join, protocols);
                    prepareRebalance(group, "member " + memberId + " changed its subscription");
                }
            }
            case STABLE -> {
                if (memberId.equals(group.leaderId) || !member.sameProtocols(protocols)) {
                    update(member, join, protocols);
                    prepareRebalance(group, memberId.equals(group.leaderId) ? "the leader rejoined"
                            : "member " + memberId + " changed its subscription");
                } else {
                    join.reply().accept(joinResponse(group, member, false));
                }
            }
            default -> join.reply().accept(joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private void update(final GroupMember member, final JoinCall join, final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        member.protocols = protocols;
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        member.sessionTimeoutMs = req.sessionTimeoutMs();
        member.clientId = join.clientId();
        member.clientHost = join.clientHost();
        if (member.awaitingJoin != null) {
            member.awaitingJoin.accept(joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId));
        }
        member.awaitingJoin = join.reply();
        member.joinVersion = join.version();
    }

    private void addMemberAndRebalance(final ClassicGroup group, final String memberId, final JoinCall join,
            final List<GroupMember.Protocol> protocols) {
        final JoinGroupRequestData req = join.request();
        final GroupMember member = new GroupMember(memberId, req.groupInstanceId(), join.clientId(), join.clientHost(),
                req.rebalanceTimeoutMs(), req.sessionTimeoutMs(), req.protocolType(), protocols);
        member.isNew = true;
        member.awaitingJoin = join.reply();
        member.joinVersion = join.version();
        group.add(member);
        scheduleSession(group, member);
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            checkJoinComplete(group);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    /**
     * A static member came back with a new member id: the old incarnation is fenced, its assignment kept. In a stable
     * group whose selected protocol stays the same this is no rebalance (Kafka's rule: the member's metadata may
     * differ, e.g. its owned partitions, since a restarted consumer owns nothing yet); the new id is stored and the
     * member syncs to get its old assignment back.
     */
    private void replaceStaticMember(final ClassicGroup group, final String oldId, final String newId, final JoinCall join,
            final List<GroupMember.Protocol> protocols) {
        final GroupMember old = group.members.get(oldId);
        if (old.awaitingJoin != null) {
            old.awaitingJoin.accept(joinError(Errors.FENCED_INSTANCE_ID, oldId));
            old.awaitingJoin = null;
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.accept(syncError(Errors.FENCED_INSTANCE_ID));
            old.awaitingSync = null;
        }
        effects.cancel(sessionKey(group, oldId));
        final String previousLeader = group.leaderId;
        final boolean wasLeader = oldId.equals(previousLeader);
        group.remove(oldId);
        final JoinGroupRequestData req = join.request();
        final GroupMember member = new GroupMember(newId, req.groupInstanceId(), join.clientId(), join.clientHost(),
                req.rebalanceTimeoutMs(), req.sessionTimeoutMs(), req.protocolType(), protocols);
        member.assignment = old.assignment;
        group.add(member);
        if (wasLeader) {
            group.leaderId = newId;
        }
        scheduleSession(group, member);
        if (group.is(ClassicGroup.State.STABLE) && Objects.equals(group.protocolName, group.selectProtocol())) {
            final int generation = group.generationId;
            persistGroup(group, (error, offset) -> {
                if (error != Errors.NONE) {
                    // Not stored: put the old incarnation back if nothing changed meanwhile, so the group stays as the
                    // log knows it; the client retries its join.
                    if (group.generationId == generation && newId.equals(group.staticMembers.get(req.groupInstanceId()))) {
                        effects.cancel(sessionKey(group, newId));
                        group.remove(newId);
                        group.add(old);
                        group.leaderId = previousLeader;
                        scheduleSession(group, old);
                    }
                    join.reply().accept(joinError(error, ""));
                    return;
                }
                final JoinGroupResponseData response;
                if (join.version() >= 9) {
                    // The returning leader keeps its assignment: it gets the members but is told to skip assigning.
                    final boolean isLeader = newId.equals(group.leaderId);
                    response = joinResponse(group, member, isLeader).setSkipAssignment(isLeader);
                } else {
                    // Older clients cannot skip the assignment: they must not believe they lead.
                    response = joinResponse(group, member, false).setLeader(wasLeader ? oldId : group.leaderId);
                }
                join.reply().accept(response);
            });
            return;
        }
        member.awaitingJoin = join.reply();
        member.joinVersion = join.version();
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            checkJoinComplete(group);
        } else {
            prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined");
        }
    }

    private void prepareRebalance(final ClassicGroup group, final String reason) {
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            for (final GroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        final boolean fromEmpty = group.is(ClassicGroup.State.EMPTY);
        group.state = ClassicGroup.State.PREPARING_REBALANCE;
        group.rebalanceStartMs = effects.nowMs();
        group.initialJoinDelay = fromEmpty && settings.initialRebalanceDelayMs() > 0;
        LOG.info("Group {} rebalancing (generation {}): {}", group.groupId, group.generationId, reason);
        if (fromEmpty && settings.initialRebalanceDelayMs() > 0) {
            effects.schedule(rebalanceKey(group), new GroupTimer.RebalanceDeadline(group.groupId, true),
                    Math.min(settings.initialRebalanceDelayMs(), group.maxRebalanceTimeoutMs()));
            return;
        }
        effects.schedule(rebalanceKey(group), new GroupTimer.RebalanceDeadline(group.groupId, false),
                Math.max(1, group.maxRebalanceTimeoutMs()));
        checkJoinComplete(group);
    }

    /**
     * Whether the initial delay still holds the join open: only in a rebalance that started from Empty (Kafka's
     * rule). A stable group whose old members expire while a new one joins completes as soon as everyone left has
     * joined, not after the rebalance timeout. A group whose last member just left has no one to wait for: it is empty
     * at once, so a DeleteGroups right after the leave succeeds, as in Kafka.
     */
    private boolean initialDelayRunning(final ClassicGroup group) {
        return group.initialJoinDelay && !group.members.isEmpty()
                && effects.nowMs() - group.rebalanceStartMs < settings.initialRebalanceDelayMs();
    }

    private void checkJoinComplete(final ClassicGroup group) {
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE) && group.allMembersJoined() && !initialDelayRunning(group)) {
            completeJoin(group);
        }
    }

    void rebalanceDeadline(final GroupTimer.RebalanceDeadline deadline) {
        final ClassicGroup group = groups.get(deadline.groupId());
        if (group == null || !group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            return;
        }
        final long elapsed = effects.nowMs() - group.rebalanceStartMs;
        if (deadline.initialDelay() && !group.allMembersJoined() && elapsed < group.maxRebalanceTimeoutMs()) {
            // Still waiting for known members: fall back to the ordinary rebalance timeout.
            effects.schedule(rebalanceKey(group), new GroupTimer.RebalanceDeadline(group.groupId, false),
                    Math.max(1, group.maxRebalanceTimeoutMs() - elapsed));
            return;
        }
        completeJoin(group);
    }

    /** Ends the join phase: drops members that did not rejoin, starts the next generation, answers every join. */
    private void completeJoin(final ClassicGroup group) {
        effects.cancel(rebalanceKey(group));
        group.initialJoinDelay = false;
        final List<String> gone = new ArrayList<>();
        for (final GroupMember m : group.members.values()) {
            if (m.awaitingJoin == null && !m.isStatic()) {
                gone.add(m.memberId);
            }
        }
        for (final String id : gone) {
            effects.cancel(sessionKey(group, id));
            group.remove(id);
        }
        for (final String pending : group.pendingMembers) {
            effects.cancel(pendingKey(group, pending));
        }
        group.pendingMembers.clear();
        group.generationId++;
        if (group.members.isEmpty()) {
            group.state = ClassicGroup.State.EMPTY;
            group.protocolName = null;
            group.leaderId = null;
            persistGroup(group, (error, offset) -> { });
            LOG.info("Group {} is empty (generation {})", group.groupId, group.generationId);
            return;
        }
        group.protocolName = group.selectProtocol();
        final GroupMember leader = group.members.get(group.leaderId);
        if (leader == null || leader.awaitingJoin == null) {
            group.members.values().stream().filter(m -> m.awaitingJoin != null).findFirst()
                    .ifPresent(m -> group.leaderId = m.memberId);
        }
        group.state = ClassicGroup.State.COMPLETING_REBALANCE;
        for (final GroupMember m : group.members.values()) {
            if (m.awaitingJoin != null) {
                m.awaitingJoin.accept(joinResponse(group, m, m.memberId.equals(group.leaderId)));
                m.awaitingJoin = null;
                m.isNew = false;
                scheduleSession(group, m);
            }
        }
        LOG.info("Group {} generation {} formed with {} member(s), protocol {}", group.groupId,
                group.generationId, group.members.size(), group.protocolName);
    }

    private static JoinGroupResponseData joinResponse(final ClassicGroup group, final GroupMember member,
            final boolean withMembers) {
        final JoinGroupResponseData r = new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(member.memberId);
        if (withMembers) {
            for (final GroupMember m : group.members.values()) {
                r.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                        .setMemberId(m.memberId)
                        .setGroupInstanceId(m.groupInstanceId)
                        .setMetadata(m.metadata(group.protocolName)));
            }
        }
        return r;
    }

    static JoinGroupResponseData joinError(final Errors error, final String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setMemberId(memberId)
                .setLeader("").setProtocolName(null);
    }

    /**
     * The coordinator moves away: every join and sync parked here is answered NOT_COORDINATOR, so its client finds
     * the new coordinator at once instead of timing out.
     */
    void unload() {
        for (final ClassicGroup group : groups.values()) {
            for (final GroupMember m : group.members.values()) {
                if (m.awaitingJoin != null) {
                    m.awaitingJoin.accept(joinError(Errors.NOT_COORDINATOR, m.memberId));
                    m.awaitingJoin = null;
                }
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(syncError(Errors.NOT_COORDINATOR));
                    m.awaitingSync = null;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ sync

    void sync(final SyncGroupRequestData req, final Consumer<SyncGroupResponseData> reply) {
        final ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            reply.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        final Errors memberError = checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            reply.accept(syncError(memberError));
            return;
        }
        if (req.generationId() != group.generationId) {
            reply.accept(syncError(Errors.ILLEGAL_GENERATION));
            return;
        }
        if ((req.protocolType() != null && !req.protocolType().equals(group.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(group.protocolName))) {
            reply.accept(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        final GroupMember member = group.members.get(req.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE -> reply.accept(syncError(Errors.REBALANCE_IN_PROGRESS));
            case STABLE -> {
                scheduleSession(group, member);
                reply.accept(syncResponse(group, member.assignment));
            }
            case COMPLETING_REBALANCE -> {
                member.awaitingSync = reply;
                scheduleSession(group, member);
                if (req.memberId().equals(group.leaderId)) {
                    completeSync(group, req);
                }
            }
            default -> reply.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** The leader's assignment: store it, then hand each waiting member its part. */
    private void completeSync(final ClassicGroup group, final SyncGroupRequestData req) {
        final Map<String, byte[]> assignments = new HashMap<>();
        for (final SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        final int generation = group.generationId;
        final Map<String, byte[]> previous = new HashMap<>();
        for (final GroupMember m : group.members.values()) {
            previous.put(m.memberId, m.assignment);
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        persistGroup(group, (error, offset) -> {
            if (!group.is(ClassicGroup.State.COMPLETING_REBALANCE) || group.generationId != generation) {
                return;   // a newer rebalance started meanwhile; its own sync will answer
            }
            if (error != Errors.NONE) {
                for (final GroupMember m : group.members.values()) {
                    m.assignment = previous.getOrDefault(m.memberId, new byte[0]);
                    if (m.awaitingSync != null) {
                        m.awaitingSync.accept(syncError(error));
                        m.awaitingSync = null;
                    }
                }
                prepareRebalance(group, "storing the assignment failed (" + error + ")");
                return;
            }
            group.state = ClassicGroup.State.STABLE;
            for (final GroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(syncResponse(group, m.assignment));
                    m.awaitingSync = null;
                }
            }
        });
    }

    private static SyncGroupResponseData syncResponse(final ClassicGroup group, final byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName).setAssignment(assignment);
    }

    private static SyncGroupResponseData syncError(final Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    // ------------------------------------------------------------------------------------------------ heartbeat, leave

    Errors heartbeat(final HeartbeatRequestData req) {
        final ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        final Errors memberError = checkMember(group, req.memberId(), req.groupInstanceId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        if (req.generationId() != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        scheduleSession(group, group.members.get(req.memberId()));
        return switch (group.state) {
            case PREPARING_REBALANCE -> Errors.REBALANCE_IN_PROGRESS;
            case COMPLETING_REBALANCE, STABLE -> Errors.NONE;
            default -> Errors.UNKNOWN_MEMBER_ID;
        };
    }

    LeaveGroupResponseData leave(final LeaveGroupRequestData req, final short version) {
        final ClassicGroup group = groups.get(req.groupId());
        final LeaveGroupResponseData response = new LeaveGroupResponseData();
        final List<LeaveGroupRequestData.MemberIdentity> leaving = version >= 3 ? req.members()
                : List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(req.memberId()));
        boolean anyLeft = false;
        for (final LeaveGroupRequestData.MemberIdentity who : leaving) {
            final Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID : leave(group, who);
            anyLeft |= error == Errors.NONE;
            response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(who.memberId())
                    .setGroupInstanceId(who.groupInstanceId()).setErrorCode(error.code()));
        }
        if (version < 3) {
            response.setErrorCode(response.members().get(0).errorCode());
            response.members().clear();
        }
        if (anyLeft) {
            afterMembersLeft(group, "member(s) left the group");
        }
        return response;
    }

    private Errors leave(final ClassicGroup group, final LeaveGroupRequestData.MemberIdentity who) {
        String memberId = who.memberId();
        if (group.pendingMembers.remove(memberId)) {
            effects.cancel(pendingKey(group, memberId));
            return Errors.NONE;
        }
        if (memberId.isEmpty() && who.groupInstanceId() != null) {
            memberId = group.staticMembers.get(who.groupInstanceId());
            if (memberId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        }
        final Errors error = checkMember(group, memberId, who.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        removeMember(group, memberId);
        return Errors.NONE;
    }

    private void removeMember(final ClassicGroup group, final String memberId) {
        final GroupMember member = group.remove(memberId);
        effects.cancel(sessionKey(group, memberId));
        if (member != null && member.awaitingJoin != null) {
            member.awaitingJoin.accept(joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
        if (member != null && member.awaitingSync != null) {
            member.awaitingSync.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void afterMembersLeft(final ClassicGroup group, final String reason) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> checkJoinComplete(group);
            default -> { }
        }
    }

    void sessionExpired(final GroupTimer.SessionExpired expired) {
        final ClassicGroup group = groups.get(expired.groupId());
        final GroupMember member = group == null ? null : group.members.get(expired.memberId());
        if (member == null) {
            return;
        }
        if (member.awaitingJoin != null || member.awaitingSync != null) {
            scheduleSession(group, member);   // it is waiting on us, so it is alive
            return;
        }
        LOG.info("Member {} of group {} expired: no heartbeat within {} ms", member.memberId, group.groupId,
                member.sessionTimeoutMs);
        removeMember(group, member.memberId);
        afterMembersLeft(group, "member " + member.memberId + " expired");
    }

    void pendingExpired(final GroupTimer.PendingExpired expired) {
        final ClassicGroup group = groups.get(expired.groupId());
        if (group != null && group.pendingMembers.remove(expired.memberId())) {
            checkJoinComplete(group);
        }
    }

    /** NONE, UNKNOWN_MEMBER_ID, or FENCED_INSTANCE_ID when a static member's old incarnation speaks. */
    static Errors checkMember(final ClassicGroup group, final String memberId, final String instanceId) {
        if (instanceId != null) {
            final String current = group.staticMembers.get(instanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        final GroupMember member = group.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (member.isStatic() && instanceId != null && !member.groupInstanceId.equals(instanceId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        return Errors.NONE;
    }

    /** (Re)starts the member's session timer: called for every sign of life. */
    void scheduleSession(final ClassicGroup group, final GroupMember member) {
        effects.schedule(sessionKey(group, member.memberId), new GroupTimer.SessionExpired(group.groupId, member.memberId),
                member.sessionTimeoutMs);
    }

    private void persistGroup(final ClassicGroup group, final GroupEffects.WriteDone then) {
        effects.write(List.of(GroupRecords.groupRecord(group, effects.nowMs())), then);
    }

    private static String sessionKey(final ClassicGroup group, final String memberId) {
        return "session/" + group.groupId + "/" + memberId;
    }

    private static String pendingKey(final ClassicGroup group, final String memberId) {
        return "pending/" + group.groupId + "/" + memberId;
    }

    private static String rebalanceKey(final ClassicGroup group) {
        return "rebalance/" + group.groupId;
    }
}
