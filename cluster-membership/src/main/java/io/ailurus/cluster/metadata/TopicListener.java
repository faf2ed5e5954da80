package io.ailurus.cluster.metadata;

/** Told about committed topic changes, in commit order, on the metadata thread: hand work off, do not block. */
public interface TopicListener {

    /** A topic was created, or gained partitions ({@code previous} is null for a new topic). */
    void topicChanged(TopicMetadata previous, TopicMetadata current);

    void topicDeleted(TopicMetadata deleted);
}
