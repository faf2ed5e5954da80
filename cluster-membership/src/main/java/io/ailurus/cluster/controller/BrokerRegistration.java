package io.ailurus.cluster.controller;

/** A broker as the controller places replicas on it; a decommissioned broker gets no new replicas. */
public record BrokerRegistration(int nodeId, String rack, boolean decommissioned) {
}
