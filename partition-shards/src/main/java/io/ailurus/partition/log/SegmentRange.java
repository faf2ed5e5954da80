package io.ailurus.partition.log;

import java.nio.file.Path;
import org.apache.kafka.common.record.FileRecords;

/**
 * Whole batches at the end of a closed segment, as they lie in its file: what the tier uploads.
 *
 * @param file        the segment file
 * @param position    where the first batch starts in the file
 * @param records     the same bytes as records (to walk the batch headers)
 * @param baseOffset  the first batch's base offset
 * @param nextOffset  one past the segment's last offset
 */
public record SegmentRange(Path file, int position, FileRecords records, long baseOffset, long nextOffset) {

    public int sizeInBytes() {
        return records.sizeInBytes();
    }
}
