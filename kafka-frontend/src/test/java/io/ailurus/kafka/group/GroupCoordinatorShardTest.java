package io.ailurus.kafka.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

class GroupCoordinatorShardTest {

    @Test
    void transactionalOffsetsGoInOneValidBatchWithoutSequence() {
        final MemoryRecords records = GroupCoordinatorShard.transactionalBatch(77, (short) 3, List.of(
                new SimpleRecord(1000, bytes("k1"), bytes("v1")), new SimpleRecord(1000, bytes("k2"), bytes("v2"))));
        final List<MutableRecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        assertEquals(1, batches.size());
        final MutableRecordBatch batch = batches.get(0);
        batch.ensureValid();   // the CRC covers the rewritten header
        assertTrue(batch.isTransactional());
        assertEquals(77, batch.producerId());
        assertEquals(3, batch.producerEpoch());
        assertEquals(RecordBatch.NO_SEQUENCE, batch.baseSequence());
        assertEquals(RecordBatch.NO_SEQUENCE, batch.lastSequence());
        final List<String> keys = new ArrayList<>();
        for (final Record r : batch) {
            keys.add(StandardCharsets.UTF_8.decode(r.key()).toString());
        }
        assertEquals(List.of("k1", "k2"), keys);
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
