package io.ailurus.bench.tier;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The bench's own S3 client, for the raw GET baseline and for listing the bucket: plain HTTP/1.1 with
 * {@code java.net.http}, path-style URLs, unsigned requests (S3Mock does not check signatures). A ranged GET is
 * {@code GET /bucket/key} with {@code Range: bytes=from-to}, answered 206 with exactly those bytes.
 */
final class S3Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** An object of a listing. */
    record S3Object(String key, long size) {
    }

    private final String endpoint;
    private final String bucket;
    private final HttpClient client;

    S3Http(final String endpoint, final String bucket) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        // Blocking sends from the caller's threads; the client's own threads only run its selector and callbacks.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .executor(Executors.newCachedThreadPool(r -> {
                    final Thread t = new Thread(r, "tier-bench-s3-http");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
    }

    /** Every object whose key starts with {@code prefix}, in key order (ListObjectsV2, all pages). */
    List<S3Object> list(final String prefix) throws IOException, InterruptedException {
        final List<S3Object> out = new ArrayList<>();
        String token = null;
        do {
            String query = "list-type=2&prefix=" + encode(prefix);
            if (token != null) {
                query += "&continuation-token=" + encode(token);
            }
            final HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                    URI.create(endpoint + "/" + bucket + "?" + query)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("listing " + prefix + ": HTTP " + response.statusCode() + " "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            final Element root = parse(response.body()).getDocumentElement();
            final NodeList contents = root.getElementsByTagName("Contents");
            for (int i = 0; i < contents.getLength(); i++) {
                final Element c = (Element) contents.item(i);
                out.add(new S3Object(text(c, "Key"), Long.parseLong(text(c, "Size"))));
            }
            token = "true".equals(text(root, "IsTruncated")) ? text(root, "NextContinuationToken") : null;
        } while (token != null);
        return out;
    }

    /** Bytes {@code [from, toExclusive)} of an object: one ranged GET, checked for status and length. */
    byte[] getRange(final String key, final long from, final long toExclusive) throws IOException,
            InterruptedException {
        final HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                        URI.create(endpoint + "/" + bucket + "/" + key)).timeout(TIMEOUT)
                        .header("Range", "bytes=" + from + "-" + (toExclusive - 1)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 206 || response.body().length != toExclusive - from) {
            throw new IOException("GET " + key + " bytes " + from + "-" + (toExclusive - 1) + ": HTTP "
                    + response.statusCode() + ", " + response.body().length + " bytes");
        }
        return response.body();
    }

    private static Document parse(final byte[] xml) throws IOException {
        try {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("unreadable listing: " + e.getMessage(), e);
        }
    }

    private static String text(final Element parent, final String tag) {
        final NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    private static String encode(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
