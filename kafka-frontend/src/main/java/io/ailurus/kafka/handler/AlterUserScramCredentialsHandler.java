package io.ailurus.kafka.handler;

import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.cluster.security.StoredScramCredential;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.AlterUserScramCredentialsResponse;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * AlterUserScramCredentials (KIP-554): creates, replaces and deletes users' SCRAM credentials. The client sends the
 * salted password; the broker derives and stores only the stored and server keys. Needs ALTER on the cluster. One
 * result per user: a user named twice in one request, an unknown mechanism, an iteration count outside the
 * mechanism's bounds or the deletion of a missing credential fail that user only, with Kafka's codes.
 */
public final class AlterUserScramCredentialsHandler implements ApiHandler<AlterUserScramCredentialsRequest> {

    private final SecurityStore security;

    public AlterUserScramCredentialsHandler(final SecurityStore security) {
        this.security = security;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.ALTER_USER_SCRAM_CREDENTIALS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.ALTER_USER_SCRAM_CREDENTIALS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final AlterUserScramCredentialsRequest request) {
        final Map<String, ApiException> failed = new HashMap<>();
        final Map<String, List<Runnable>> checks = new LinkedHashMap<>();
        final Set<String> seen = new HashSet<>();
        final Set<String> duplicated = new HashSet<>();
        for (final ScramCredentialDeletion d : request.data().deletions()) {
            checks.computeIfAbsent(d.name(), n -> new ArrayList<>());
            if (!seen.add(d.name() + "/" + d.mechanism())) {
                duplicated.add(d.name());
            }
        }
        for (final ScramCredentialUpsertion u : request.data().upsertions()) {
            checks.computeIfAbsent(u.name(), n -> new ArrayList<>());
            if (!seen.add(u.name() + "/" + u.mechanism())) {
                duplicated.add(u.name());
            }
        }
        final boolean allowed = context.authorizedOnCluster(AclOperation.ALTER);
        final Map<String, CompletableFuture<Void>> changes = new LinkedHashMap<>();
        for (final String user : checks.keySet()) {
            if (!allowed) {
                failed.put(user, Errors.CLUSTER_AUTHORIZATION_FAILED.exception());
            } else if (duplicated.contains(user)) {
                failed.put(user, Errors.DUPLICATE_RESOURCE.exception(
                        "A user credential cannot be altered twice in the same request"));
            } else if (user.isEmpty()) {
                failed.put(user, Errors.UNACCEPTABLE_CREDENTIAL.exception("Username must not be empty"));
            }
        }
        for (final ScramCredentialDeletion d : request.data().deletions()) {
            if (failed.containsKey(d.name())) {
                continue;
            }
            final ScramMechanism mechanism = mechanism(d.mechanism());
            if (mechanism == null) {
                failed.put(d.name(), Errors.UNSUPPORTED_SASL_MECHANISM.exception("Unknown SCRAM mechanism"));
            } else if (security.scramCredential(d.name(), mechanism.mechanismName()).isEmpty()) {
                failed.put(d.name(), Errors.RESOURCE_NOT_FOUND.exception(
                        "Attempt to delete a user credential that does not exist"));
            }
        }
        final List<StoredScramCredential> upserts = new ArrayList<>();
        for (final ScramCredentialUpsertion u : request.data().upsertions()) {
            if (failed.containsKey(u.name())) {
                continue;
            }
            final ScramMechanism mechanism = mechanism(u.mechanism());
            if (mechanism == null) {
                failed.put(u.name(), Errors.UNSUPPORTED_SASL_MECHANISM.exception("Unknown SCRAM mechanism"));
            } else if (u.iterations() < mechanism.minIterations()) {
                failed.put(u.name(), Errors.UNACCEPTABLE_CREDENTIAL.exception("Too few iterations"));
            } else if (u.iterations() > mechanism.maxIterations()) {
                failed.put(u.name(), Errors.UNACCEPTABLE_CREDENTIAL.exception("Too many iterations"));
            } else if (u.salt().length == 0 || u.saltedPassword().length == 0) {
                failed.put(u.name(), Errors.UNACCEPTABLE_CREDENTIAL.exception("Salt and salted password are required"));
            } else {
                upserts.add(stored(u, mechanism));
            }
        }
        for (final ScramCredentialDeletion d : request.data().deletions()) {
            if (!failed.containsKey(d.name())) {
                changes.merge(d.name(), security.deleteScramCredential(d.name(), mechanism(d.mechanism()).mechanismName()),
                        CompletableFuture::allOf);
            }
        }
        for (final StoredScramCredential c : upserts) {
            if (!failed.containsKey(c.user())) {
                changes.merge(c.user(), security.upsertScramCredential(c), CompletableFuture::allOf);
            }
        }
        final AlterUserScramCredentialsResponseData data = new AlterUserScramCredentialsResponseData();
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final String user : checks.keySet()) {
            final AlterUserScramCredentialsResult result = new AlterUserScramCredentialsResult().setUser(user);
            data.results().add(result);
            final ApiException error = failed.get(user);
            if (error != null) {
                result.setErrorCode(Errors.forException(error).code()).setErrorMessage(error.getMessage());
                continue;
            }
            all.add(changes.get(user).handle((ok, failure) -> {
                if (failure != null) {
                    final Throwable cause = Futures.cause(failure);
                    result.setErrorCode(Errors.forException(cause).code()).setErrorMessage(cause.getMessage());
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> new AlterUserScramCredentialsResponse(data));
    }

    static ScramMechanism mechanism(final byte type) {
        for (final ScramMechanism m : ScramMechanism.values()) {
            if (m.type() == type) {
                return m;
            }
        }
        return null;
    }

    private static StoredScramCredential stored(final ScramCredentialUpsertion u, final ScramMechanism mechanism) {
        try {
            final ScramFormatter formatter = new ScramFormatter(mechanism);
            return new StoredScramCredential(u.name(), mechanism.mechanismName(), u.salt(),
                    formatter.storedKey(formatter.clientKey(u.saltedPassword())), formatter.serverKey(u.saltedPassword()),
                    u.iterations());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks " + mechanism.macAlgorithm(), e);
        }
    }
}
