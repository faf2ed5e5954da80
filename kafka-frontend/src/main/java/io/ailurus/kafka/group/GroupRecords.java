package io.ailurus.kafka.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * The records a group coordinator keeps in its {@code __consumer_offsets} partition: a committed offset keyed by
 * (group, topic, partition), and a group's membership keyed by group. A record with a null value is a tombstone. The
 * newest record per key wins when the coordinator replays the partition.
 *
 * <p>Our own format (not Apache Kafka's): every key starts with a type short, every value with a version short, so
 * both can evolve; an unknown type or version fails the load loudly rather than guessing.
 */
final class GroupRecords {

    static final short OFFSET_KEY = 0;
    static final short GROUP_KEY = 1;
    private static final short VERSION = 0;

    private GroupRecords() {
    }

    /** A committed offset. */
    record OffsetValue(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    }

    /** A stored member of a group. */
    record MemberValue(String memberId, String groupInstanceId, String clientId, String clientHost,
            int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** A group's membership as of its last completed rebalance. */
    record GroupValue(String protocolType, int generationId, String protocolName, String leaderId,
            List<MemberValue> members) {
    }

    static byte[] offsetKey(final String group, final TopicPartition tp) {
        final Writer w = new Writer();
        w.putShort(OFFSET_KEY).putString(group).putString(tp.topic()).putInt(tp.partition());
        return w.bytes();
    }

    static byte[] groupKey(final String group) {
        return new Writer().putShort(GROUP_KEY).putString(group).bytes();
    }

    static byte[] offsetValue(final OffsetValue v) {
        return new Writer().putShort(VERSION).putLong(v.offset()).putInt(v.leaderEpoch()).putString(v.metadata())
                .putLong(v.commitTimestampMs()).bytes();
    }

    static byte[] groupValue(final GroupValue v) {
        final Writer w = new Writer().putShort(VERSION).putString(v.protocolType()).putInt(v.generationId())
                .putString(v.protocolName()).putString(v.leaderId()).putInt(v.members().size());
        for (final MemberValue m : v.members()) {
            w.putString(m.memberId()).putString(m.groupInstanceId()).putString(m.clientId()).putString(m.clientHost())
                    .putInt(m.rebalanceTimeoutMs()).putInt(m.sessionTimeoutMs()).putBytes(m.subscription())
                    .putBytes(m.assignment());
        }
        return w.bytes();
    }

    /** A decoded key: its type, group, and for offsets the partition. */
    record Key(short type, String group, TopicPartition partition) {
    }

    /** The record of a committed offset, stamped with its commit time. */
    static SimpleRecord offsetRecord(final String group, final TopicPartition tp, final ClassicGroup.CommittedOffset o) {
        return new SimpleRecord(o.commitTimestampMs(), offsetKey(group, tp), offsetValue(
                new OffsetValue(o.offset(), o.leaderEpoch(), o.metadata(), o.commitTimestampMs())));
    }

    /** The record of a classic group: its generation, leader and members with their subscription and assignment. */
    static SimpleRecord groupRecord(final ClassicGroup group, final long timestampMs) {
        final List<MemberValue> members = new ArrayList<>();
        for (final GroupMember m : group.members.values()) {
            members.add(new MemberValue(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs,
                    group.protocolName == null ? new byte[0] : m.metadata(group.protocolName), m.assignment));
        }
        return new SimpleRecord(timestampMs, groupKey(group.groupId), groupValue(new GroupValue(
                group.protocolType, group.generationId, group.protocolName, group.leaderId, members)));
    }

    /**
     * A deletion, stamped with the time it happened: the log cleaner keeps a tombstone for {@code delete.retention.ms}
     * after it, so a replica that still holds the deleted value sees the tombstone too before it goes.
     */
    static SimpleRecord tombstone(final long timestampMs, final byte[] key) {
        return new SimpleRecord(timestampMs, key, null);
    }

    static Key readKey(final ByteBuffer key) {
        final short type = key.getShort();
        final String group = readString(key);
        if (type == OFFSET_KEY) {
            final String topic = readString(key);
            return new Key(type, group, new TopicPartition(topic, key.getInt()));
        }
        if (type == GROUP_KEY) {
            return new Key(type, group, null);
        }
        throw new IllegalStateException("unknown group record key type " + type);
    }

    static OffsetValue readOffsetValue(final ByteBuffer value) {
        checkVersion(value.getShort());
        return new OffsetValue(value.getLong(), value.getInt(), readString(value), value.getLong());
    }

    static GroupValue readGroupValue(final ByteBuffer value) {
        checkVersion(value.getShort());
        final String protocolType = readString(value);
        final int generation = value.getInt();
        final String protocolName = readString(value);
        final String leader = readString(value);
        final int count = value.getInt();
        final List<MemberValue> members = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            members.add(new MemberValue(readString(value), readString(value), readString(value), readString(value),
                    value.getInt(), value.getInt(), readBytes(value), readBytes(value)));
        }
        return new GroupValue(protocolType, generation, protocolName, leader, members);
    }

    private static void checkVersion(final short version) {
        if (version != VERSION) {
            throw new IllegalStateException("unknown group record value version " + version);
        }
    }

    private static String readString(final ByteBuffer b) {
        final byte[] bytes = readBytes(b);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(final ByteBuffer b) {
        final int len = b.getInt();
        if (len < 0) {
            return null;
        }
        final byte[] bytes = new byte[len];
        b.get(bytes);
        return bytes;
    }

    /** A growable big-endian writer for the formats above. */
    private static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(128);

        private void ensure(final int n) {
            if (buf.remaining() < n) {
                final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        Writer putShort(final short v) {
            ensure(2);
            buf.putShort(v);
            return this;
        }

        Writer putInt(final int v) {
            ensure(4);
            buf.putInt(v);
            return this;
        }

        Writer putLong(final long v) {
            ensure(8);
            buf.putLong(v);
            return this;
        }

        Writer putString(final String s) {
            return putBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        Writer putBytes(final byte[] bytes) {
            if (bytes == null) {
                return putInt(-1);
            }
            ensure(4 + bytes.length);
            buf.putInt(bytes.length);
            buf.put(bytes);
            return this;
        }

        byte[] bytes() {
            final byte[] out = new byte[buf.position()];
            buf.flip();
            buf.get(out);
            return out;
        }
    }
}
