package io.ailurus.chaos.tier;

import io.ailurus.chaos.nemesis.BucketFaults;
import io.ailurus.chaos.nemesis.Fault;
import io.ailurus.tier.s3.testing.ProxyFault;
import io.ailurus.tier.s3.testing.S3FaultProxy;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object store of a tiered run: an S3 server (S3Mock, in the harness's JVM) behind tier-s3's fault proxy, so that
 * the nemesis can make the bucket unavailable or slow for every node at once. The proxy listens on loopback only; in
 * namespace mode the nodes reach it through a {@link TcpRelay} on the bridge's address (the harness's address as the
 * namespaces see it). Closing it stops the relays, the proxy and the server and deletes the bucket's files.
 */
public final class S3UnderTest implements BucketFaults, AutoCloseable {

    public static final String BUCKET = "chaos";

    private final S3TestServer server;
    private final S3FaultProxy proxy;
    private final List<TcpRelay> relays = new CopyOnWriteArrayList<>();

    private S3UnderTest(final S3TestServer server, final S3FaultProxy proxy) {
        this.server = server;
        this.proxy = proxy;
    }

    public static S3UnderTest start() {
        final S3TestServer server = S3TestServer.start(BUCKET);
        try {
            return new S3UnderTest(server, S3FaultProxy.start(server.port()));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * The endpoint for nodes that reach the harness at {@code harnessHost}: the proxy itself on loopback, else a relay
     * to it listening on {@code harnessHost}.
     */
    public synchronized String endpointFor(final String harnessHost) throws IOException {
        if (harnessHost.equals("127.0.0.1") || harnessHost.equals("localhost")) {
            return proxy.endpoint();
        }
        final TcpRelay relay = TcpRelay.start(harnessHost, URI.create(proxy.endpoint()).getPort());
        relays.add(relay);
        return "http://" + relay.host() + ":" + relay.port();
    }

    /** The server itself, bypassing the proxy (for the harness's own look at the bucket). */
    public String serverEndpoint() {
        return server.endpoint();
    }

    /**
     * Copies every object of the bucket into {@code dir} (one file per key, path-style keys as directories), straight
     * from the server (S3Mock needs no signature), and returns the keys: the bucket dies with the server, this copy
     * is for a post-mortem.
     */
    public List<String> snapshotTo(final Path dir) throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final List<String> keys = new ArrayList<>();
        String token = null;
        do {
            final String list = server.endpoint() + "/" + BUCKET + "?list-type=2"
                    + (token == null ? "" : "&continuation-token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            final String xml = get(http, list, HttpResponse.BodyHandlers.ofString());
            final Matcher key = KEY.matcher(xml);
            while (key.find()) {
                keys.add(unescape(key.group(1)));
            }
            final Matcher next = NEXT_TOKEN.matcher(xml);
            token = xml.contains("<IsTruncated>true</IsTruncated>") && next.find() ? unescape(next.group(1)) : null;
        } while (token != null);
        for (final String k : keys) {
            final Path file = dir.resolve(k).normalize();
            if (!file.startsWith(dir)) {
                continue;   // not a key this harness's brokers write
            }
            Files.createDirectories(file.getParent());
            Files.write(file, get(http, server.endpoint() + "/" + BUCKET + "/" + k, HttpResponse.BodyHandlers.ofByteArray()));
        }
        return keys;
    }

    private static final Pattern KEY = Pattern.compile("<Key>(.*?)</Key>");
    private static final Pattern NEXT_TOKEN = Pattern.compile("<NextContinuationToken>(.*?)</NextContinuationToken>");

    private static <T> T get(final HttpClient http, final String url, final HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        final HttpResponse<T> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .GET().build(), body);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static String unescape(final String xml) {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    @Override
    public void inject(final Fault.ObjectStore fault) {
        proxy.setFault(switch (fault.mode()) {
            case "503" -> ProxyFault.FAIL_503;
            case "500" -> ProxyFault.FAIL_500;
            case "reset" -> ProxyFault.RESET;
            case "delay" -> ProxyFault.delay(Duration.ofMillis(fault.delayMs()));
            default -> throw new IllegalArgumentException("unknown object-store fault mode " + fault.mode());
        });
    }

    @Override
    public void heal() {
        proxy.setFault(ProxyFault.PASS);
    }

    /** Requests the nodes sent to the bucket so far. */
    public int requests() {
        return proxy.requests();
    }

    /** Of those, the ones that met a fault. */
    public int faultsInjected() {
        return proxy.faultsInjected();
    }

    @Override
    public void close() {
        relays.forEach(TcpRelay::close);
        relays.clear();
        try {
            proxy.close();
        } finally {
            server.close();
        }
    }
}
