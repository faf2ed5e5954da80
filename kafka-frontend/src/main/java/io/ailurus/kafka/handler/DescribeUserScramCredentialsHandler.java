package io.ailurus.kafka.handler;

import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.cluster.security.StoredScramCredential;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.RequestContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsResponse;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * DescribeUserScramCredentials (KIP-554): the mechanisms and iteration counts of users' credentials (never salts or
 * keys). No users named: all users. Needs DESCRIBE on the cluster.
 */
public final class DescribeUserScramCredentialsHandler implements ApiHandler<DescribeUserScramCredentialsRequest> {

    private final SecurityStore security;

    public DescribeUserScramCredentialsHandler(final SecurityStore security) {
        this.security = security;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final DescribeUserScramCredentialsRequest request) {
        final DescribeUserScramCredentialsResponseData data = new DescribeUserScramCredentialsResponseData();
        if (!context.authorizedOnCluster(AclOperation.DESCRIBE)) {
            data.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(Errors.CLUSTER_AUTHORIZATION_FAILED.message());
            return CompletableFuture.completedFuture(new DescribeUserScramCredentialsResponse(data));
        }
        final Map<String, List<StoredScramCredential>> byUser = new LinkedHashMap<>();
        for (final StoredScramCredential c : security.scramCredentials()) {
            byUser.computeIfAbsent(c.user(), u -> new java.util.ArrayList<>()).add(c);
        }
        final List<UserName> asked = request.data().users();
        if (asked == null || asked.isEmpty()) {
            byUser.forEach((user, credentials) -> data.results().add(result(user, credentials)));
        } else {
            final Set<String> seen = new HashSet<>();
            final Set<String> duplicated = new HashSet<>();
            asked.forEach(u -> {
                if (!seen.add(u.name())) {
                    duplicated.add(u.name());
                }
            });
            for (final String user : new java.util.LinkedHashSet<>(asked.stream().map(UserName::name).toList())) {
                if (duplicated.contains(user)) {
                    data.results().add(new DescribeUserScramCredentialsResult().setUser(user)
                            .setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                            .setErrorMessage("Cannot describe SCRAM credentials for the same user twice in a single request"));
                } else if (!byUser.containsKey(user)) {
                    data.results().add(new DescribeUserScramCredentialsResult().setUser(user)
                            .setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                            .setErrorMessage("Attempt to describe a user credential that does not exist"));
                } else {
                    data.results().add(result(user, byUser.get(user)));
                }
            }
        }
        return CompletableFuture.completedFuture(new DescribeUserScramCredentialsResponse(data));
    }

    private static DescribeUserScramCredentialsResult result(final String user,
            final List<StoredScramCredential> credentials) {
        final DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
        for (final StoredScramCredential c : credentials) {
            result.credentialInfos().add(new CredentialInfo()
                    .setMechanism(ScramMechanism.forMechanismName(c.mechanism()).type())
                    .setIterations(c.iterations()));
        }
        return result;
    }
}
