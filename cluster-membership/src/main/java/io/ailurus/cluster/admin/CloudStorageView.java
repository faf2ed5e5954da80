package io.ailurus.cluster.admin;

/**
 * What the node tells the admin HTTP API about tiered storage ({@code /v1/cloud_storage/...}). Defined here, answered
 * by the broker: this module cannot see the tier module, which depends on the partition module as this one does.
 */
public interface CloudStorageView {

    /** The partition's uploads and local and bucket extents, from this node's replica of it. */
    AdminAnswer<CloudStorageStatus> status(String topic, int partition);

    /** The partition's manifest as the leader holds it: the JSON object written to the bucket, byte for byte. */
    AdminAnswer<byte[]> manifest(String topic, int partition);

    /** A view that gives the same refusal for every partition (a node that is starting, a test). */
    static CloudStorageView refusing(final int status, final String message) {
        return new CloudStorageView() {
            @Override
            public AdminAnswer<CloudStorageStatus> status(final String topic, final int partition) {
                return new AdminAnswer<>(status, null, message);
            }

            @Override
            public AdminAnswer<byte[]> manifest(final String topic, final int partition) {
                return new AdminAnswer<>(status, null, message);
            }
        };
    }
}
