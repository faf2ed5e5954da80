package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.RequestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasResponse;

/**
 * DescribeClientQuotas (KIP-546). ailurus has no client quotas, so every valid filter matches no entity: the answer
 * is an empty list, as a Kafka cluster without quota overrides gives. Kafka's own {@code kafka-configs.sh --describe
 * --entity-type users} asks this before it shows the users' SCRAM credentials. Needs DESCRIBE_CONFIGS on the
 * cluster; the filter is checked with Kafka's rules (known entity types, each at most once, a match string exactly
 * when the match type is EXACT, ip not combined with user or client-id).
 */
public final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequest> {

    private static final Set<String> ENTITY_TYPES = Set.of(ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID,
            ClientQuotaEntity.IP);

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final DescribeClientQuotasRequest request) {
        if (!context.authorizedOnCluster(AclOperation.DESCRIBE_CONFIGS)) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0,
                    Errors.CLUSTER_AUTHORIZATION_FAILED.exception()));
        }
        try {
            check(request.data().components());
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0, e));
        }
        return CompletableFuture.completedFuture(new DescribeClientQuotasResponse(
                new DescribeClientQuotasResponseData().setErrorCode(Errors.NONE.code()).setEntries(List.of())));
    }

    private static void check(final List<ComponentData> components) {
        final Set<String> types = new HashSet<>();
        for (final ComponentData c : components) {
            final String type = c.entityType();
            if (type == null || type.isEmpty()) {
                throw new InvalidRequestException("Invalid empty entity type.");
            }
            if (!types.add(type)) {
                throw new InvalidRequestException("Entity type " + type + " cannot appear more than once in the filter.");
            }
            if (!ENTITY_TYPES.contains(type)) {
                throw new UnsupportedVersionException("Unsupported entity type " + type);
            }
            switch (c.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> {
                    if (c.match() == null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_EXACT, but set match string to null.");
                    }
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT, DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED -> {
                    if (c.match() != null) {
                        throw new InvalidRequestException("Request specified match type " + c.matchType()
                                + ", but also specified a match string.");
                    }
                }
                default -> throw new UnsupportedVersionException("Unsupported match type " + c.matchType());
            }
        }
        if (types.contains(ClientQuotaEntity.IP)
                && (types.contains(ClientQuotaEntity.USER) || types.contains(ClientQuotaEntity.CLIENT_ID))) {
            throw new InvalidRequestException("Invalid entity filter component combination. IP filter component "
                    + "should not be used with user or clientId filter component.");
        }
    }
}
