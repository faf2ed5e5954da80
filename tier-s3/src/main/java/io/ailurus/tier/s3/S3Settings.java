package io.ailurus.tier.s3;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.connectors.s3.AccessStyle;
import org.apache.pekko.stream.connectors.s3.ApiVersion;
import org.apache.pekko.stream.connectors.s3.MemoryBufferType;
import org.apache.pekko.stream.connectors.s3.MultipartUploadSettings;
import org.apache.pekko.stream.connectors.s3.RetrySettings;
import org.apache.pekko.stream.connectors.s3.S3Attributes;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where the object store is and how patient calls to it are: the {@code s3} part of {@code ailurus.tiered-storage}.
 *
 * @param endpoint     the store's URL, e.g. {@code http://127.0.0.1:9000}; empty = the AWS endpoint of the region
 * @param bucket       the bucket holding everything of this cluster
 * @param region       signing region, e.g. {@code us-east-1}
 * @param pathStyle    path-style URLs ({@code host/bucket/key}) instead of virtual hosts ({@code bucket.host/key})
 * @param accessKey    access key id; empty = none configured (see {@link #credentialsProvider()})
 * @param secretKey    secret access key; empty = none configured
 * @param callTimeout  the deadline of one object-store call, retries included
 * @param maxRetries   retries of a call after retriable failures (so at most {@code maxRetries + 1} attempts)
 * @param stallTimeout an attempt that moves no bytes for this long is abandoned and, deadline permitting, retried
 */
public record S3Settings(
        String endpoint,
        String bucket,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        Duration callTimeout,
        int maxRetries,
        Duration stallTimeout) {

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("bucket must be set");
        }
        if (region == null || region.isEmpty()) {
            throw new IllegalArgumentException("region must be set");
        }
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive, was " + callTimeout);
        }
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive, was " + stallTimeout);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
    }

    /** The same store and credentials, another bucket (a read replica follows another cluster's bucket). */
    public S3Settings withBucket(final String otherBucket) {
        return new S3Settings(endpoint, otherBucket, region, pathStyle, accessKey, secretKey, callTimeout, maxRetries,
                stallTimeout);
    }

    /** A path-style store at {@code endpoint} (S3Mock, MinIO) with default patience and credentials. */
    public static S3Settings forEndpoint(final String endpoint, final String bucket) {
        return new S3Settings(endpoint, bucket, "us-east-1", true, "", "", DEFAULT_CALL_TIMEOUT,
                DEFAULT_MAX_RETRIES, DEFAULT_STALL_TIMEOUT);
    }

    /**
     * Reads the {@code s3} block of {@code tieredStorage}, the {@code ailurus.tiered-storage} block of the node's
     * config ({@code reference.conf} of this module holds the defaults).
     */
    public static S3Settings fromConfig(final Config tieredStorage) {
        final Config s3 = tieredStorage.getConfig("s3");
        return new S3Settings(
                s3.getString("endpoint"),
                s3.getString("bucket"),
                s3.getString("region"),
                s3.getBoolean("path-style"),
                s3.getString("access-key"),
                s3.getString("secret-key"),
                s3.getDuration("call-timeout"),
                s3.getInt("max-retries"),
                s3.hasPath("stall-timeout") ? s3.getDuration("stall-timeout") : DEFAULT_STALL_TIMEOUT);
    }

    public S3Settings withCallTimeout(final Duration timeout) {
        return new S3Settings(endpoint, bucket, region, pathStyle, accessKey, secretKey, timeout, maxRetries,
                stallTimeout);
    }

    public S3Settings withStallTimeout(final Duration timeout) {
        return new S3Settings(endpoint, bucket, region, pathStyle, accessKey, secretKey, callTimeout, maxRetries,
                timeout);
    }

    public S3Settings withMaxRetries(final int retries) {
        return new S3Settings(endpoint, bucket, region, pathStyle, accessKey, secretKey, callTimeout, retries,
                stallTimeout);
    }

    public S3Settings withCredentials(final String accessKeyId, final String secretAccessKey) {
        return new S3Settings(endpoint, bucket, region, pathStyle, accessKeyId, secretAccessKey, callTimeout,
                maxRetries, stallTimeout);
    }

    /**
     * The configured keys, else those of the standard AWS environment variables, else anonymous requests (S3Mock and
     * public buckets need no signature).
     */
    public AwsCredentialsProvider credentialsProvider() {
        return credentialsProvider(System::getenv);
    }

    AwsCredentialsProvider credentialsProvider(final UnaryOperator<String> environment) {
        final String id = accessKey.isEmpty() ? orEmpty(environment.apply("AWS_ACCESS_KEY_ID")) : accessKey;
        final String secret = secretKey.isEmpty() ? orEmpty(environment.apply("AWS_SECRET_ACCESS_KEY")) : secretKey;
        if (id.isEmpty() && secret.isEmpty()) {
            return AnonymousCredentialsProvider.create();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }

    /**
     * Pekko Connectors' view of these settings. Its own retries stay off for single requests (ObjectStore retries
     * whole calls, under their deadline) and on for the parts of a multipart upload, so that one failed part does not
     * send the parts already stored again.
     */
    public org.apache.pekko.stream.connectors.s3.S3Settings toConnectorSettings() {
        final AwsCredentialsProvider credentials = credentialsProvider();
        final Region signingRegion = Region.of(region);
        org.apache.pekko.stream.connectors.s3.S3Settings settings = org.apache.pekko.stream.connectors.s3.S3Settings
                .create(MemoryBufferType.getInstance(), credentials, () -> signingRegion, ApiVersion.getListBucketVersion2())
                .withRetrySettings(RetrySettings.create(0, Duration.ofMillis(100), Duration.ofSeconds(5), 0.0))
                .withMultipartUploadSettings(MultipartUploadSettings.create(
                        RetrySettings.create(maxRetries, Backoff.MIN_DELAY, Backoff.MAX_DELAY, 0.5)))
                .withSignAnonymousRequests(!(credentials instanceof AnonymousCredentialsProvider));
        if (pathStyle) {
            settings = settings.withAccessStyle(AccessStyle.pathAccessStyle());
        }
        if (!endpoint.isEmpty()) {
            settings = settings.withEndpointUrl(endpoint);
        }
        return settings;
    }

    /** Stream attributes that make Pekko Connectors' S3 stages use these settings instead of its config block. */
    public Attributes toAttributes() {
        return S3Attributes.settings(toConnectorSettings());
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", pathStyle="
                + pathStyle + ", accessKey=" + (accessKey.isEmpty() ? "" : "***") + ", callTimeout=" + callTimeout
                + ", maxRetries=" + maxRetries + ", stallTimeout=" + stallTimeout + "]";
    }

    private static String orEmpty(final String value) {
        return value == null ? "" : value;
    }
}
