package io.ailurus.partition.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SegmentRaftLog} on real files: epoch history, truncation, reopen, rebuild, and a small cluster on disk. */
class SegmentRaftLogTest {

    @TempDir
    Path dir;

    private static final LogConfig SMALL_SEGMENTS = new LogConfig(1024, LogConfig.DEFAULT_SEGMENT_MS, -1, -1,
            LogConfig.DEFAULT_MAX_MESSAGE_BYTES, TimestampType.CREATE_TIME, 256, io.ailurus.partition.log.RemoteStorageConfig.DISABLED,
            io.ailurus.partition.log.CompactionConfig.DEFAULTS);

    @Test
    void epochHistoryFollowsTermsAndAnswersOffsetForLeaderEpoch() throws IOException {
        final SegmentLog segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        final SegmentRaftLog log = SegmentRaftLog.open(segments);
        appendN(log, 1, 3);   // offsets 0..2 (one record per batch)
        appendN(log, 1, 2);   // 3..4
        appendN(log, 3, 4);   // 5..8
        appendN(log, 5, 2);   // 9..10
        assertEquals(List.of(new EpochHistory.Entry(1, 0), new EpochHistory.Entry(3, 5), new EpochHistory.Entry(5, 9)),
                log.epochEntries());
        assertEquals(11, log.endOffset());
        assertEquals(0, log.termAt(-1));
        assertEquals(1, log.termAt(4));
        assertEquals(3, log.termAt(5));
        assertEquals(5, log.termAt(10));
        assertEquals(-1, log.termAt(11));
        assertEquals(5, log.lastTerm());
        assertEquals(5, log.startOfTermAt(8));

        assertEquals(new EpochHistory.EpochEndOffset(1, 5), log.endOffsetFor(1));
        assertEquals(new EpochHistory.EpochEndOffset(1, 5), log.endOffsetFor(2), "largest epoch ≤ 2 is 1, it ends where 3 starts");
        assertEquals(new EpochHistory.EpochEndOffset(3, 9), log.endOffsetFor(4));
        assertEquals(new EpochHistory.EpochEndOffset(5, 11), log.endOffsetFor(5), "the latest epoch ends at the log end");
        assertEquals(new EpochHistory.EpochEndOffset(0, 0), log.endOffsetFor(0), "below every epoch: the first start");
        assertEquals(new EpochHistory.EpochEndOffset(-1, -1), log.endOffsetFor(6));
        assertTrue(segments.segmentBaseOffsets().size() > 1, "the test spans segments");

        segments.close();
        final SegmentRaftLog reopened = SegmentRaftLog.open(SegmentLog.open(dir, SMALL_SEGMENTS));
        assertEquals(log.epochEntries(), reopened.epochEntries());
        assertEquals(11, reopened.endOffset());
        assertEquals("0\n3\n1 0\n3 5\n5 9\n", Files.readString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME)));
        reopened.segmentLog().close();
    }

    @Test
    void truncationTrimsTheHistoryDurably() throws IOException {
        final SegmentLog segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        final SegmentRaftLog log = SegmentRaftLog.open(segments);
        appendN(log, 1, 3);
        appendN(log, 2, 3);
        appendN(log, 4, 3);
        log.truncateTo(7);
        assertEquals(7, log.endOffset());
        assertEquals(List.of(new EpochHistory.Entry(1, 0), new EpochHistory.Entry(2, 3), new EpochHistory.Entry(4, 6)),
                log.epochEntries());
        log.truncateTo(6);
        assertEquals(List.of(new EpochHistory.Entry(1, 0), new EpochHistory.Entry(2, 3)), log.epochEntries());
        appendN(log, 6, 1);   // a new leader's term after the truncation point
        assertEquals(6, log.termAt(6));
        segments.close();
        assertEquals(List.of(new EpochHistory.Entry(1, 0), new EpochHistory.Entry(2, 3), new EpochHistory.Entry(6, 6)),
                SegmentRaftLog.open(SegmentLog.open(dir, SMALL_SEGMENTS)).epochEntries());
    }

    @Test
    void missingOrWrongCheckpointIsRebuiltFromTheBatches() throws IOException {
        SegmentLog segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        final SegmentRaftLog log = SegmentRaftLog.open(segments);
        appendN(log, 2, 4);
        appendN(log, 7, 4);
        final List<EpochHistory.Entry> expected = log.epochEntries();
        segments.close();

        Files.delete(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME));
        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        assertEquals(expected, SegmentRaftLog.open(segments).epochEntries());
        segments.close();

        Files.writeString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME), "0\n2\n2 0\n5 4\n");   // wrong epoch
        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        assertEquals(expected, SegmentRaftLog.open(segments).epochEntries());
        segments.close();

        Files.writeString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME), "garbage");
        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        assertEquals(expected, SegmentRaftLog.open(segments).epochEntries());
        segments.close();

        // Written before a batch that a crash then lost: an entry at the log end is dropped on open.
        Files.writeString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME), "0\n3\n2 0\n7 4\n9 8\n");
        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        assertEquals(expected, SegmentRaftLog.open(segments).epochEntries());
        segments.close();
    }

    @Test
    void resetStartsAnEmptyLogThatRemembersTheTermBeforeItAcrossRestart() throws IOException {
        SegmentLog segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        final SegmentRaftLog log = SegmentRaftLog.open(segments);
        appendN(log, 2, 3);
        appendN(log, 8, 2);   // a term the leader's log does not have below the new start
        log.resetTo(40, 5);
        assertEquals(40, log.startOffset());
        assertEquals(40, log.endOffset());
        assertEquals(5, log.termAt(39));
        assertEquals(5, log.lastTerm());
        assertTrue(log.read(40, 100).isEmpty());
        assertTrue(log.epochEntries().stream().allMatch(e -> e.startOffset() < 40), "no entry at or above the start");
        segments.close();

        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        SegmentRaftLog reopened = SegmentRaftLog.open(segments);
        assertEquals(40, reopened.startOffset());
        assertEquals(40, reopened.endOffset());
        assertEquals(5, reopened.termAt(39));
        assertEquals(5, reopened.lastTerm());

        appendN(reopened, 5, 1);   // the leader's next batch, of the same term as the one before the start
        appendN(reopened, 6, 1);
        assertEquals(5, reopened.termAt(40));
        assertEquals(6, reopened.termAt(41));
        segments.close();
        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        reopened = SegmentRaftLog.open(segments);
        assertEquals(List.of(40L, 42L, 5, 5, 6), List.of(reopened.startOffset(), reopened.endOffset(), reopened.termAt(39),
                reopened.termAt(40), reopened.termAt(41)));
        segments.close();
    }

    @Test
    void aCrashBetweenTheCheckpointAndTheResetKeepsTheOldLogConsistent() throws IOException {
        SegmentLog segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        final SegmentRaftLog log = SegmentRaftLog.open(segments);
        appendN(log, 2, 3);
        appendN(log, 4, 2);
        final List<EpochHistory.Entry> expected = log.epochEntries();
        segments.close();
        // What resetTo(40, 5) writes before emptying the segments.
        Files.writeString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME), "0\n1\n5 39\n");
        segments = SegmentLog.open(dir, SMALL_SEGMENTS);
        final SegmentRaftLog reopened = SegmentRaftLog.open(segments);
        assertEquals(expected, reopened.epochEntries());
        assertEquals(4, reopened.lastTerm());
        segments.close();
    }

    @Test
    void readsWholeBatchesForFollowersAndTheyReplicateUnchanged() throws IOException {
        final SegmentRaftLog leader = SegmentRaftLog.open(SegmentLog.open(dir.resolve("leader"), SMALL_SEGMENTS));
        final SegmentRaftLog follower = SegmentRaftLog.open(SegmentLog.open(dir.resolve("follower"), SMALL_SEGMENTS));
        for (int i = 0; i < 20; i++) {
            leader.appendAsLeader(batch("v" + i, 1 + i % 3), 1 + i / 7, 1_000 + i);
        }
        final UnsafeBuffer wire = new UnsafeBuffer(ByteBuffer.allocate(64 * 1024));
        long next = 0;
        while (next < leader.endOffset()) {
            final RaftLog.Slice slice = leader.read(next, 300);
            assertInstanceOf(FileRecords.class, slice.records());
            assertEquals(next, slice.firstBatchOffset());
            // Through the codec, as a follower receives it: the file range is copied as stored.
            final RaftMessage.AppendEntries ae = new RaftMessage.AppendEntries(3, next, leader.termAt(next - 1), 0, 0, slice.records());
            final int len = RaftCodec.encode(wire, 0, 1, ae);
            final RaftMessage.AppendEntries received = (RaftMessage.AppendEntries) RaftCodec.decode(wire, 0, len).message();
            follower.appendReplicated((MemoryRecords) received.batches(), 2_000);
            next = slice.endOffset();
            assertEquals(next, follower.endOffset());
        }
        assertEquals(leader.epochEntries(), follower.epochEntries());
        final RaftLog.Slice mid = leader.read(leader.endOffset() - 1, 1);
        assertTrue(mid.firstBatchOffset() <= leader.endOffset() - 1, "a read starts at the batch holding the offset");
        assertEquals(leader.endOffset(), mid.endOffset());
        assertTrue(leader.read(leader.endOffset(), 100).isEmpty());
    }

    /** Three members on real segment logs and raft.state files, through the codec, on a perfect network. */
    @Test
    void clusterOnDiskReplicatesCommitsAndRemembersTermsAcrossRestart() throws IOException {
        final List<Integer> voters = List.of(1, 2, 3);
        final Map<Integer, SegmentRaftLog> logs = new HashMap<>();
        final Map<Integer, RaftMember> members = new HashMap<>();
        final List<long[]> queue = new ArrayList<>();   // (from, to, index into bytes)
        final List<byte[]> wire = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(1024 * 1024));
        final long[] now = {0};
        for (final int id : voters) {
            final Path d = dir.resolve("p-" + id);
            logs.put(id, SegmentRaftLog.open(SegmentLog.open(d, SMALL_SEGMENTS)));
            members.put(id, new RaftMember("disk", id, voters, RaftSimulation.CONFIG, logs.get(id), new FileRaftStateStore(d),
                    (to, m) -> {
                        final int len = RaftCodec.encode(buffer, 0, id, m);
                        final byte[] bytes = new byte[len];
                        buffer.getBytes(0, bytes);
                        wire.add(bytes);
                        queue.add(new long[] {id, to, wire.size() - 1});
                    }, new RaftListener() { }, new Random(id), 0));
        }
        final Runnable pump = () -> {
            for (int round = 0; round < 50; round++) {
                while (!queue.isEmpty()) {
                    final long[] e = queue.remove(0);
                    final byte[] bytes = wire.get((int) e[2]);
                    final RaftCodec.Envelope env = RaftCodec.decode(new UnsafeBuffer(bytes), 0, bytes.length);
                    members.get((int) e[1]).handle(env.fromNode(), env.message(), now[0]);
                }
                for (final int id : voters) {   // group commit
                    final RaftMember m = members.get(id);
                    final long generation = m.logGeneration();
                    final long end = logs.get(id).endOffset();
                    logs.get(id).segmentLog().flush(end);
                    m.onDurable(generation, end);
                }
            }
        };
        now[0] = 300;
        members.get(2).tick(now[0]);
        pump.run();
        assertTrue(members.get(2).isLeader());
        for (int i = 0; i < 30; i++) {
            assertInstanceOf(ProposeResult.Accepted.class, members.get(2).propose(batch("r" + i, 1 + i % 4), now[0]));
            pump.run();
        }
        now[0] += 20;
        members.get(2).tick(now[0]);   // a heartbeat spreads the final commit index
        pump.run();
        final long end = logs.get(2).endOffset();
        for (final int id : voters) {
            assertEquals(end, logs.get(id).endOffset(), "node " + id);
            assertEquals(end, members.get(id).commitIndex(), "node " + id);
            assertEquals(end, logs.get(id).segmentLog().highWatermark(), "the commit index is the high watermark");
            assertEquals(logs.get(2).epochEntries(), logs.get(id).epochEntries());
        }
        for (final int id : voters) {
            logs.get(id).segmentLog().close();
        }
        for (final int id : voters) {
            final RaftStateStore.ElectionState state = new FileRaftStateStore(dir.resolve("p-" + id)).load();
            assertEquals(1, state.term());
            assertEquals(2, state.votedFor());
        }
        final RecordBatch noop = SegmentLog.open(dir.resolve("p-1"), SMALL_SEGMENTS).read(0, 1, 1).records().batches().iterator().next();
        assertTrue(noop.isControlBatch());
    }

    private static void appendN(final SegmentRaftLog log, final int term, final int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(batch("t" + term + "-" + i, 1), term, 1_000);
        }
    }

    private static MemoryRecords batch(final String value, final int records) {
        final SimpleRecord[] recs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            recs[i] = new SimpleRecord(1_000L, null, (value + "-" + i + "-" + "p".repeat(60)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, recs);
    }
}
