package io.ailurus.kafka.handler;

import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.AclRules;
import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.CreateAclsResponse;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;

/**
 * CreateAcls, DescribeAcls and DeleteAcls over the controller's ACL table, with Kafka's rules: changing ACLs needs
 * ALTER on the cluster, listing them DESCRIBE; with authorization off every call answers SECURITY_DISABLED, as a
 * Kafka broker without an authorizer does.
 */
public final class AclHandlers {

    private AclHandlers() {
    }

    public static List<ApiHandler<?>> all(final SecurityStore security) {
        return List.of(new Create(security), new Describe(security), new Delete(security));
    }

    private static ApiError denied(final RequestContext context, final AclOperation operation) {
        if (!context.authorizer().enabled()) {
            return new ApiError(Errors.SECURITY_DISABLED, "No authorizer is configured on the broker: set "
                    + "ailurus.security.authorization");
        }
        return context.authorizedOnCluster(operation) ? null : new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED,
                Errors.CLUSTER_AUTHORIZATION_FAILED.message());
    }

    private record Create(SecurityStore security) implements ApiHandler<CreateAclsRequest> {

        @Override
        public ApiKeys apiKey() {
            return ApiKeys.CREATE_ACLS;
        }

        @Override
        public short oldestVersion() {
            return ApiKeys.CREATE_ACLS.oldestVersion();
        }

        @Override
        public short latestVersion() {
            return ApiKeys.CREATE_ACLS.latestVersion();
        }

        @Override
        public CompletableFuture<AbstractResponse> handle(final RequestContext context, final CreateAclsRequest request) {
            final CreateAclsResponseData data = new CreateAclsResponseData();
            final ApiError denied = denied(context, AclOperation.ALTER);
            final List<AclEntry> valid = new ArrayList<>();
            final List<AclCreationResult> validResults = new ArrayList<>();
            for (final var creation : request.data().creations()) {
                final AclCreationResult result = new AclCreationResult();
                data.results().add(result);
                if (denied != null) {
                    result.setErrorCode(denied.error().code()).setErrorMessage(denied.message());
                    continue;
                }
                try {
                    final AclBinding binding = CreateAclsRequest.aclBinding(creation);
                    AclRules.check(binding);
                    valid.add(AclEntry.of(binding));
                    validResults.add(result);
                } catch (ApiException | IllegalArgumentException e) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
                }
            }
            if (valid.isEmpty()) {
                return CompletableFuture.completedFuture(new CreateAclsResponse(data));
            }
            return security.createAcls(valid).handle((ok, failure) -> {
                if (failure != null) {
                    final Throwable cause = Futures.cause(failure);
                    validResults.forEach(r -> r.setErrorCode(Errors.forException(cause).code())
                            .setErrorMessage(cause.getMessage()));
                }
                return new CreateAclsResponse(data);
            });
        }
    }

    private record Describe(SecurityStore security) implements ApiHandler<DescribeAclsRequest> {

        @Override
        public ApiKeys apiKey() {
            return ApiKeys.DESCRIBE_ACLS;
        }

        @Override
        public short oldestVersion() {
            return ApiKeys.DESCRIBE_ACLS.oldestVersion();
        }

        @Override
        public short latestVersion() {
            return ApiKeys.DESCRIBE_ACLS.latestVersion();
        }

        @Override
        public CompletableFuture<AbstractResponse> handle(final RequestContext context,
                final DescribeAclsRequest request) {
            final DescribeAclsResponseData data = new DescribeAclsResponseData();
            final ApiError denied = denied(context, AclOperation.DESCRIBE);
            if (denied != null) {
                data.setErrorCode(denied.error().code()).setErrorMessage(denied.message());
                return CompletableFuture.completedFuture(new DescribeAclsResponse(data, context.apiVersion()));
            }
            final AclBindingFilter filter = request.filter();
            final List<AclBinding> matching = security.acls().stream().map(AclEntry::toBinding)
                    .filter(filter::matches).toList();
            data.setResources(DescribeAclsResponse.aclsResources(matching));
            return CompletableFuture.completedFuture(new DescribeAclsResponse(data, context.apiVersion()));
        }
    }

    private record Delete(SecurityStore security) implements ApiHandler<DeleteAclsRequest> {

        @Override
        public ApiKeys apiKey() {
            return ApiKeys.DELETE_ACLS;
        }

        @Override
        public short oldestVersion() {
            return ApiKeys.DELETE_ACLS.oldestVersion();
        }

        @Override
        public short latestVersion() {
            return ApiKeys.DELETE_ACLS.latestVersion();
        }

        @Override
        public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DeleteAclsRequest request) {
            final DeleteAclsResponseData data = new DeleteAclsResponseData();
            final ApiError denied = denied(context, AclOperation.ALTER);
            final Set<AclEntry> doomed = new LinkedHashSet<>();
            for (final AclBindingFilter filter : request.filters()) {
                final DeleteAclsFilterResult result = new DeleteAclsFilterResult();
                data.filterResults().add(result);
                if (denied != null) {
                    result.setErrorCode(denied.error().code()).setErrorMessage(denied.message());
                    continue;
                }
                for (final AclEntry acl : security.acls()) {
                    final AclBinding binding = acl.toBinding();
                    if (filter.matches(binding)) {
                        doomed.add(acl);
                        result.matchingAcls().add(DeleteAclsResponse.matchingAcl(binding, ApiError.NONE));
                    }
                }
            }
            if (doomed.isEmpty()) {
                return CompletableFuture.completedFuture(new DeleteAclsResponse(data, context.apiVersion()));
            }
            return security.deleteAcls(List.copyOf(doomed)).handle((ok, failure) -> {
                if (failure != null) {
                    final Throwable cause = Futures.cause(failure);
                    data.filterResults().forEach(r -> {
                        if (!r.matchingAcls().isEmpty()) {
                            r.setErrorCode(Errors.forException(cause).code()).setErrorMessage(cause.getMessage());
                            r.matchingAcls().clear();
                        }
                    });
                }
                return new DeleteAclsResponse(data, context.apiVersion());
            });
        }
    }
}
