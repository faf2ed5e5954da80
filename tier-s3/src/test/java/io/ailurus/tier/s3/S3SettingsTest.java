package io.ailurus.tier.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class S3SettingsTest {

    @Test
    void readsTheDefaultsOfReferenceConf() {
        final Config tieredStorage = ConfigFactory.load().getConfig("ailurus.tiered-storage");
        final S3Settings settings = S3Settings.fromConfig(tieredStorage);

        assertEquals("http://127.0.0.1:9000", settings.endpoint());
        assertEquals("ailurus", settings.bucket());
        assertEquals("us-east-1", settings.region());
        assertTrue(settings.pathStyle());
        assertEquals("", settings.accessKey());
        assertEquals(Duration.ofSeconds(30), settings.callTimeout());
        assertEquals(5, settings.maxRetries());
        assertEquals(Duration.ofSeconds(10), settings.stallTimeout());
        assertFalse(tieredStorage.getBoolean("enabled"));
        assertEquals(1L << 30, tieredStorage.getBytes("cache.max-bytes"));
        assertEquals(1L << 20, tieredStorage.getBytes("cache.chunk-bytes"));
    }

    @Test
    void readsOverrides() {
        final Config config = ConfigFactory.parseString("""
                ailurus.tiered-storage.s3 {
                  endpoint = "", bucket = b, region = eu-west-1, path-style = false
                  access-key = AK, secret-key = SK, call-timeout = 3s, max-retries = 2
                }""").withFallback(ConfigFactory.load());
        final S3Settings settings = S3Settings.fromConfig(config.getConfig("ailurus.tiered-storage"));

        assertEquals(new S3Settings("", "b", "eu-west-1", false, "AK", "SK", Duration.ofSeconds(3), 2,
                Duration.ofSeconds(10)), settings);
        final var connector = settings.toConnectorSettings();
        assertTrue(connector.getEndpointUrl().isEmpty(), "empty endpoint = the AWS default");
        assertFalse(connector.isPathStyleAccess());
        assertEquals("eu-west-1", connector.getS3RegionProvider().getRegion().id());
    }

    @Test
    void connectorSettingsCarryEndpointPathStyleAndRegion() {
        final var connector = S3Settings.forEndpoint("http://127.0.0.1:9999", "bucket").toConnectorSettings();
        assertEquals("http://127.0.0.1:9999", connector.getEndpointUrl().orElseThrow());
        assertTrue(connector.isPathStyleAccess());
        assertEquals("us-east-1", connector.getS3RegionProvider().getRegion().id());
        assertEquals(0, connector.getRetrySettings().maxRetries(), "ObjectStore retries whole requests itself");
    }

    @Test
    void credentialsComeFromSettingsThenEnvironmentElseAnonymous() {
        final S3Settings configured = S3Settings.forEndpoint("", "b").withCredentials("AK", "SK");
        final AwsCredentials fromSettings = configured.credentialsProvider(Map.of("AWS_ACCESS_KEY_ID", "ENV")::get)
                .resolveCredentials();
        assertEquals("AK", fromSettings.accessKeyId());
        assertEquals("SK", fromSettings.secretAccessKey());

        final S3Settings empty = S3Settings.forEndpoint("", "b");
        final var fromEnvironment = empty.credentialsProvider(
                Map.of("AWS_ACCESS_KEY_ID", "ENV-AK", "AWS_SECRET_ACCESS_KEY", "ENV-SK")::get);
        assertInstanceOf(StaticCredentialsProvider.class, fromEnvironment);
        assertEquals("ENV-AK", fromEnvironment.resolveCredentials().accessKeyId());
        assertEquals("ENV-SK", fromEnvironment.resolveCredentials().secretAccessKey());

        assertInstanceOf(AnonymousCredentialsProvider.class, empty.credentialsProvider(name -> null));
    }

    @Test
    void secretsStayOutOfToString() {
        final String text = S3Settings.forEndpoint("", "b").withCredentials("AKIDEXAMPLE", "SECRET").toString();
        assertFalse(text.contains("SECRET"), text);
        assertFalse(text.contains("AKIDEXAMPLE"), text);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> S3Settings.forEndpoint("", ""));
        assertThrows(IllegalArgumentException.class,
                () -> S3Settings.forEndpoint("", "b").withCallTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> S3Settings.forEndpoint("", "b").withMaxRetries(-1));
    }
}
