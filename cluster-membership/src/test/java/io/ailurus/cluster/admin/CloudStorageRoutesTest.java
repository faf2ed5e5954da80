package io.ailurus.cluster.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.ailurus.cluster.membership.NodeDirectory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code /v1/cloud_storage} routes over real HTTP, against a view that answers for one partition. */
class CloudStorageRoutesTest {

    private static final byte[] MANIFEST = "{\n  \"version\" : 1,\n  \"topic\" : \"t\"\n}".getBytes(StandardCharsets.UTF_8);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static ActorSystem system;
    static ServerBinding binding;

    @BeforeAll
    static void start() throws Exception {
        system = ActorSystem.create("cloud-storage-routes", ConfigFactory.parseString(
                "pekko.actor.provider = local\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        final AdminRoutes routes = new AdminRoutes((ExtendedActorSystem) system);
        binding = Http.get(system).newServerAt("127.0.0.1", 0)
                .bind(routes.routes(ManagementRouteProviderSettings.create(Uri.create("http://127.0.0.1"))))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static HttpResponse<byte[]> get(final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(final HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void statusIsTheRecordInCamelCaseAndErrorsAreMessages() throws Exception {
        AdminState.ID.get(system).install(new NodeDirectory(), new TieredView());
        final HttpResponse<byte[]> status = get("/v1/cloud_storage/status/t/0");
        assertEquals(200, status.statusCode());
        assertEquals("application/json", status.headers().firstValue("content-type").orElse(""));
        assertEquals("{\"topic\":\"t\",\"partition\":0,\"leader\":true,\"remoteStorage\":true,\"uploadedOffset\":99,"
                + "\"localStartOffset\":50,\"remoteStartOffset\":0,\"highWatermark\":120,\"localBytes\":4096,"
                + "\"remoteBytes\":8192,\"remoteSegments\":2,\"pendingOffsets\":20,\"failing\":true,"
                + "\"failingSinceMs\":1000,\"failingForSeconds\":7,\"lastError\":\"could not upload: timeout\"}",
                text(status));

        final HttpResponse<byte[]> missing = get("/v1/cloud_storage/status/t/1");
        assertEquals(404, missing.statusCode());
        assertEquals("{\"message\":\"partition t/1 does not exist\"}", text(missing));
        assertEquals(503, get("/v1/cloud_storage/manifest/t/2").statusCode());
    }

    @Test
    void manifestIsPassedOnByteForByte() throws Exception {
        AdminState.ID.get(system).install(new NodeDirectory(), new TieredView());
        final HttpResponse<byte[]> manifest = get("/v1/cloud_storage/manifest/t/0");
        assertEquals(200, manifest.statusCode());
        assertEquals("application/json", manifest.headers().firstValue("content-type").orElse(""));
        assertArrayEquals(MANIFEST, manifest.body());
        assertEquals(404, get("/v1/cloud_storage/manifest/t/1").statusCode());
    }

    @Test
    void aNodeWithoutTieringSaysSo() throws Exception {
        AdminState.ID.get(system).install(new NodeDirectory(), new PlainView());
        final HttpResponse<byte[]> status = get("/v1/cloud_storage/status/t/0");
        assertEquals(404, status.statusCode());
        assertEquals("{\"message\":\"tiered storage is off on this node\"}", text(status));
    }

    /** A node with no tiered storage: the default answer. */
    private static class PlainView implements AdminView {
        @Override
        public List<PartitionStatus> partitions() {
            return List.of();
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public CompletionStage<AdminResult> decommission(final int nodeId) {
            return CompletableFuture.completedFuture(AdminResult.rejected(404, "no"));
        }
    }

    /** Partition t/0 is tiered and led here; t/2 is led here but its manifest is loading; nothing else exists. */
    private static final class TieredView extends PlainView {
        @Override
        public CloudStorageView cloudStorage() {
            return new CloudStorageView() {
                @Override
                public AdminAnswer<CloudStorageStatus> status(final String topic, final int partition) {
                    return partition == 0 ? AdminAnswer.found(new CloudStorageStatus("t", 0, true, true, 99, 50, 0,
                            120, 4096, 8192, 2, 20, true, 1000, 7, "could not upload: timeout"))
                            : AdminAnswer.notFound("partition " + topic + "/" + partition + " does not exist");
                }

                @Override
                public AdminAnswer<byte[]> manifest(final String topic, final int partition) {
                    return switch (partition) {
                        case 0 -> AdminAnswer.found(MANIFEST);
                        case 2 -> AdminAnswer.unavailable("loading");
                        default -> AdminAnswer.notFound("partition " + topic + "/" + partition + " does not exist");
                    };
                }
            };
        }
    }
}
