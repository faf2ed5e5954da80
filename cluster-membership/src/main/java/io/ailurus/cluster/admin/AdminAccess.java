package io.ailurus.cluster.admin;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.BasicHttpCredentials;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.directives.SecurityDirectives.ProvidedCredentials;
import org.apache.pekko.http.scaladsl.server.directives.Credentials;
import scala.jdk.javaapi.FunctionConverters;

/**
 * Who may use the admin API (Redpanda's admin_api_require_auth): when required, every route needs HTTP Basic
 * credentials of a SCRAM user, and the routes that change the cluster (decommission, transform deploy and delete)
 * need a super user. Checking a password salts it as the user's SCRAM credential was salted, which costs a few
 * milliseconds: it runs on {@code checks}, never on Pekko's dispatcher.
 */
public record AdminAccess(boolean required, BiPredicate<String, String> passwordCheck, Predicate<String> superUser,
        Executor checks) {

    /** No authentication: the default, for a node whose admin port is bound to loopback. */
    public static final AdminAccess OPEN = new AdminAccess(false, (u, p) -> true, u -> true, Runnable::run);

    /** Pekko Management's authenticator: the user name for good credentials, empty otherwise. */
    public Function<Optional<ProvidedCredentials>, CompletionStage<Optional<String>>> authenticator() {
        return provided -> {
            if (provided.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            final String user = provided.get().identifier();
            final Credentials.Provided scala = (Credentials.Provided) provided.get().productElement(0);
            return CompletableFuture.supplyAsync(() -> scala.provideVerify(FunctionConverters.asScalaFromFunction(
                            (String password) -> (Object) passwordCheck.test(user, password)))
                    ? Optional.of(user) : Optional.<String>empty(), checks);
        };
    }

    /**
     * {@code inner} for a request with credentials (or any request when authentication is off), 401 otherwise.
     * Pekko Management checks credentials that are given, but lets a request without any through to routes
     * registered with its Java API: our routes insist themselves.
     */
    public Route authenticated(final Supplier<Route> inner) {
        if (!required) {
            return inner.get();
        }
        return extractCredentials(credentials -> credentials.isPresent() ? inner.get()
                : complete(HttpResponse.create().withStatus(401)
                        .addHeader(HttpHeader.parse("WWW-Authenticate", "Basic realm=\"ailurus\", charset=UTF-8"))
                        .withEntity(ContentTypes.APPLICATION_JSON,
                                "{\"message\":\"the admin API needs HTTP Basic credentials of a SCRAM user\"}")));
    }

    /** {@code inner} for a super user (or anyone when authentication is off); 403 otherwise. */
    public Route superuserOnly(final Supplier<Route> inner) {
        if (!required) {
            return inner.get();
        }
        return extractCredentials(credentials -> {
            final Optional<String> user = credentials.filter(c -> c instanceof BasicHttpCredentials)
                    .map(c -> ((BasicHttpCredentials) c).username());
            if (user.isPresent() && superUser.test(user.get())) {
                return inner.get();
            }
            return complete(HttpResponse.create().withStatus(403).withEntity(ContentTypes.APPLICATION_JSON,
                    "{\"message\":\"this admin route needs a super user (ailurus.security.super-users)\"}"));
        });
    }
}
