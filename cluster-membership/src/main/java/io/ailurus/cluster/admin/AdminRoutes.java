package io.ailurus.cluster.admin;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.cluster.membership.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The ailurus admin routes served by Pekko Management next to its cluster and health routes (README "Admin API"):
 * {@code GET /v1/brokers}, {@code GET /v1/cluster/health}, {@code GET /v1/partitions},
 * {@code GET /v1/partitions/{topic}/{partition}},
 * {@code GET /v1/partitions/{topic}/{partition}/records} (this node's replica, for checking replicas agree),
 * {@code POST /v1/brokers/{id}/decommission}, {@code GET /v1/cloud_storage/status/{topic}/{partition}},
 * {@code GET /v1/cloud_storage/manifest/{topic}/{partition}}. All answers are JSON.
 */
public final class AdminRoutes implements ManagementRouteProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminState.Holder state;

    public AdminRoutes(final ExtendedActorSystem system) {
        this.state = AdminState.ID.get(system);
    }

    /** One broker as {@code GET /v1/brokers} lists it. */
    public record Broker(int nodeId, boolean alive, String rack, String kafka, String aeron, String admin) {

        static Broker of(final NodeStatus s) {
            return new Broker(s.nodeId(), s.alive(), s.info().rack(),
                    s.info().kafkaHost() + ":" + s.info().kafkaPort(),
                    s.info().aeronHost() + ":" + s.info().aeronPort(),
                    s.info().adminHost() + ":" + s.info().adminPort());
        }
    }

    @Override
    public Route routes(final ManagementRouteProviderSettings settings) {
        return pathPrefix("v1", () -> state.access().authenticated(() -> concat(
                path("brokers", () -> get(() -> json(200, brokers()))),
                path(PathMatchers.segment("brokers").slash(PathMatchers.integerSegment()).slash("decommission"),
                        id -> post(() -> state.access().superuserOnly(() -> onSuccess(state.view().decommission(id),
                                result -> json(result.status(), Map.of("message", result.message())))))),
                path("partitions", () -> get(() -> json(200, state.view().partitions()))),
                path(PathMatchers.segment("cluster").slash("health"), () -> get(() -> json(200,
                        ClusterHealth.of(state.directory().nodes().values(), state.view().partitions())))),
                path(PathMatchers.segment("partitions").slash(PathMatchers.segment()).slash(PathMatchers.integerSegment())
                                .slash("records"),
                        (topic, partition) -> get(() -> state.view().dump(topic, partition)
                                .map(d -> json(200, d))
                                .orElseGet(() -> json(404, Map.of("message",
                                        "no replica of " + topic + "/" + partition + " runs on this node"))))),
                path(PathMatchers.segment("partitions").slash(PathMatchers.segment()).slash(PathMatchers.integerSegment()),
                        (topic, partition) -> get(() -> state.view().partition(topic, partition)
                                .map(p -> json(200, p))
                                .orElseGet(() -> json(404, Map.of("message",
                                        "partition " + topic + "/" + partition + " does not exist"))))),
                path(PathMatchers.segment("cloud_storage").slash("status").slash(PathMatchers.segment())
                                .slash(PathMatchers.integerSegment()),
                        (topic, partition) -> get(() -> answer(state.view().cloudStorage().status(topic, partition),
                                status -> json(200, status)))),
                path(PathMatchers.segment("cloud_storage").slash("manifest").slash(PathMatchers.segment())
                                .slash(PathMatchers.integerSegment()),
                        (topic, partition) -> get(() -> answer(state.view().cloudStorage().manifest(topic, partition),
                                AdminRoutes::jsonBytes))))));
    }

    /** The body through {@code found}, or the answer's status with its message in the routes' error shape. */
    private static <T> Route answer(final AdminAnswer<T> answer, final Function<T, Route> found) {
        return answer.hasBody() ? found.apply(answer.body())
                : json(answer.status(), Map.of("message", answer.message()));
    }

    /** JSON that is already encoded (the manifest exactly as the bucket holds it). */
    private static Route jsonBytes(final byte[] json) {
        return complete(HttpResponse.create().withStatus(200).withEntity(ContentTypes.APPLICATION_JSON, json));
    }

    private List<Broker> brokers() {
        return state.directory().nodes().values().stream().map(Broker::of).toList();
    }

    private static Route json(final int status, final Object body) {
        try {
            return complete(HttpResponse.create().withStatus(status)
                    .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
