package io.ailurus.cluster.admin;

/**
 * {@code GET /v1/cloud_storage/status/{topic}/{partition}}: one partition's tiered storage as this node's replica of it
 * knows it. Only the leader uploads and reads the bucket's manifest, so the bucket figures are current only when
 * {@code leader} is true; a follower reports what it last knew (nothing, if it never led).
 *
 * @param leader            whether this node leads the partition
 * @param remoteStorage     the topic's {@code remote.storage.enable} as this replica applies it
 * @param uploadedOffset    the last offset in the bucket, -1 when it holds none
 * @param remoteStartOffset the first offset the bucket serves, -1 when it holds none
 * @param pendingOffsets    committed offsets not in the bucket yet (0 on a follower)
 * @param failingSinceMs    since when (wall clock ms) calls to the bucket fail, -1 while they work
 * @param failingForSeconds how long they have failed, 0 while they work
 * @param lastError         the last failure, null while calls work
 */
public record CloudStorageStatus(String topic, int partition, boolean leader, boolean remoteStorage,
        long uploadedOffset, long localStartOffset, long remoteStartOffset, long highWatermark, long localBytes,
        long remoteBytes, int remoteSegments, long pendingOffsets, boolean failing, long failingSinceMs,
        long failingForSeconds, String lastError) {
}
