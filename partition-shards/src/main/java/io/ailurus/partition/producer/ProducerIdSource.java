package io.ailurus.partition.producer;

/** Hands out producer ids that are never reused on this cluster (InitProducerId). */
public interface ProducerIdSource {

    long nextProducerId();
}
