package io.ailurus.wasm.node;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.cluster.admin.AdminAnswer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import io.ailurus.cluster.admin.AdminState;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Redpanda's transform routes on the admin port: {@code POST /v1/transform/deploy}, {@code GET /v1/transform},
 * {@code DELETE /v1/transform/{name}} and {@code PUT /v1/transform/{name}/meta}. Errors are {@code {"message": ...}}
 * with 400 (bad request), 404 (no such transform), 413 (binary too large) or 503 (not stored, retry).
 */
public final class TransformRoutes implements ManagementRouteProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final scala.concurrent.duration.FiniteDuration BODY_TIMEOUT =
            scala.concurrent.duration.FiniteDuration.apply(30, java.util.concurrent.TimeUnit.SECONDS);

    private final TransformAdmin.Holder holder;
    private final AdminState.Holder admin;

    public TransformRoutes(final ExtendedActorSystem system) {
        this.holder = TransformAdmin.ID.get(system);
        this.admin = AdminState.ID.get(system);
    }

    @Override
    public Route routes(final ManagementRouteProviderSettings settings) {
        return pathPrefix(PathMatchers.segment("v1").slash("transform"), () -> admin.access().authenticated(() -> concat(
                pathEndOrSingleSlash(() -> get(() -> parameterOptional("local", local ->
                        answer(s -> s.list(local.isPresent()))))),
                path("deploy", () -> post(() -> admin.access().superuserOnly(() -> extractStrictEntity(BODY_TIMEOUT,
                        entity -> answer(s -> s.deploy(entity.getData().toArray())))))),
                path(PathMatchers.segment().slash("meta"), name -> put(() -> admin.access().superuserOnly(() ->
                        extractStrictEntity(BODY_TIMEOUT, entity -> answer(s -> s.updateMeta(name,
                                entity.getData().toArray())))))),
                path(PathMatchers.segment(), name -> delete(() -> admin.access().superuserOnly(() ->
                        answer(s -> s.delete(name))))))));
    }

    private Route answer(final Function<TransformService, CompletionStage<AdminAnswer<Object>>> call) {
        final TransformService service = holder.service();
        final CompletionStage<AdminAnswer<Object>> answer = service == null
                ? CompletableFuture.completedFuture(new AdminAnswer<>(400, null,
                "data transforms are disabled on this node (ailurus.transforms.enabled)"))
                : call.apply(service);
        return onSuccess(answer, a -> json(a.status(), a.hasBody() ? a.body() : Map.of("message", a.message())));
    }

    private static Route json(final int status, final Object body) {
        try {
            return complete(HttpResponse.create().withStatus(status)
                    .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            return complete(HttpResponse.create().withStatus(500));
        }
    }
}
