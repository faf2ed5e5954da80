package io.ailurus.cluster.membership;

import io.ailurus.actors.serialization.KryoMessage;
import java.util.Map;

/**
 * What the cluster knows about one node: its stable Kafka broker id and where to reach it. Replicated to every node
 * through Distributed Data by {@link NodeRegistry}.
 *
 * @param kafkaHost    advertised host of the inter-broker listener
 * @param pekkoAddress the node's Pekko Cluster address, which tells whether the node is currently a live member
 * @param listeners    every Kafka listener's advertised address ("host:port") by listener name
 */
public record NodeInfo(int nodeId, String rack, String kafkaHost, int kafkaPort, String aeronHost, int aeronPort,
        String adminHost, int adminPort, String pekkoAddress, Map<String, String> listeners) implements KryoMessage {
}
