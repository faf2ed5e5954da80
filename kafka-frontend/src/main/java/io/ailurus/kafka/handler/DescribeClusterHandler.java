package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.RequestContext;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeCluster as a broker endpoint answers it: the one broker (this node, at its advertised address), which is
 * also the controller. A request meant for a controller endpoint (KIP-919) is refused as Kafka's brokers refuse it.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {

    /**
     * What may be done to the CLUSTER resource (Kafka's list for it). There is no authorizer, so every operation is
     * allowed, which is what Kafka reports without one.
     */
    private static final int CLUSTER_OPERATIONS = bitfield(AclOperation.CREATE, AclOperation.CLUSTER_ACTION,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER,
            AclOperation.DESCRIBE);

    /** The schema's "not requested" value of ClusterAuthorizedOperations. */
    private static final int OPERATIONS_NOT_REQUESTED = Integer.MIN_VALUE;

    private final BrokerServices services;

    public DescribeClusterHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_CLUSTER.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_CLUSTER.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DescribeClusterRequest request) {
        return CompletableFuture.completedFuture(new DescribeClusterResponse(describe(context, request)));
    }

    private DescribeClusterResponseData describe(final RequestContext context, final DescribeClusterRequest request) {
        final short version = context.apiVersion();
        final byte wanted = request.data().endpointType();   // BROKER before v1 (the schema default)
        if (wanted != EndpointType.BROKER.id()) {
            // v0 has no endpoint-type error codes.
            final boolean unknown = EndpointType.fromId(wanted) == EndpointType.UNKNOWN;
            final Errors error = version == 0 ? Errors.INVALID_REQUEST
                    : unknown ? Errors.UNSUPPORTED_ENDPOINT_TYPE : Errors.MISMATCHED_ENDPOINT_TYPE;
            return new DescribeClusterResponseData()
                    .setErrorCode(error.code())
                    .setErrorMessage(unknown ? "Unsupported endpoint type " + wanted
                            : "The request was sent to an endpoint of type " + EndpointType.BROKER
                                    + ", but we wanted an endpoint of type " + EndpointType.fromId(wanted));
        }
        final DescribeClusterResponseData data = new DescribeClusterResponseData()
                .setErrorCode(Errors.NONE.code())
                .setEndpointType(EndpointType.BROKER.id())
                .setClusterId(services.clusterId())
                .setControllerId(services.cluster().controllerId())
                .setClusterAuthorizedOperations(request.data().includeClusterAuthorizedOperations()
                        ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED);
        for (final ClusterView.Broker broker : services.cluster().brokers(context.connection().listenerName())) {
            data.brokers().add(new DescribeClusterBroker()
                    .setBrokerId(broker.nodeId())
                    .setHost(broker.host())
                    .setPort(broker.port())
                    .setRack(broker.rack().isEmpty() ? null : broker.rack())
                    .setIsFenced(false));   // only live brokers are listed
        }
        return data;
    }

    private static int bitfield(final AclOperation... operations) {
        final Set<Byte> codes = new HashSet<>();
        for (final AclOperation operation : operations) {
            codes.add(operation.code());
        }
        return Utils.to32BitField(codes);
    }
}
