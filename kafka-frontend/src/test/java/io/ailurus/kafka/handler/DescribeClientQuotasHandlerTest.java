package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.security.Authorizer;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

class DescribeClientQuotasHandlerTest {

    private static final byte EXACT = DescribeClientQuotasRequest.MATCH_TYPE_EXACT;
    private static final byte DEFAULT = DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT;
    private static final byte SPECIFIED = DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED;

    private final DescribeClientQuotasHandler handler = new DescribeClientQuotasHandler();

    @Test
    void noQuotasMatchAnyValidFilter() throws Exception {
        for (final List<ComponentData> filter : List.of(
                List.<ComponentData>of(),
                List.of(component("user", SPECIFIED, null)),
                List.of(component("user", EXACT, "alice"), component("client-id", DEFAULT, null)),
                List.of(component("ip", EXACT, "10.0.0.1")))) {
            for (final short version : new short[] {0, ApiKeys.DESCRIBE_CLIENT_QUOTAS.latestVersion()}) {
                final DescribeClientQuotasResponse response = call(handler,
                        new DescribeClientQuotasRequestData().setComponents(filter).setStrict(false), version);
                assertEquals(Errors.NONE.code(), response.data().errorCode(), filter::toString);
                assertEquals(List.of(), response.data().entries(), filter::toString);
            }
        }
    }

    @Test
    void invalidFiltersAreRefusedWithKafkasErrors() throws Exception {
        assertError(Errors.INVALID_REQUEST, component("user", SPECIFIED, null), component("user", EXACT, "a"));
        assertError(Errors.INVALID_REQUEST, component("", SPECIFIED, null));
        assertError(Errors.UNSUPPORTED_VERSION, component("topic", SPECIFIED, null));
        assertError(Errors.INVALID_REQUEST, component("user", EXACT, null));
        assertError(Errors.INVALID_REQUEST, component("user", DEFAULT, "alice"));
        assertError(Errors.INVALID_REQUEST, component("user", SPECIFIED, "alice"));
        assertError(Errors.UNSUPPORTED_VERSION, component("user", (byte) 7, null));
        assertError(Errors.INVALID_REQUEST, component("ip", SPECIFIED, null), component("client-id", SPECIFIED, null));
    }

    @Test
    void needsDescribeConfigsOnTheCluster() throws Exception {
        final Authorizer noClusterDescribeConfigs = new Authorizer() {
            @Override
            public boolean authorized(final KafkaPrincipal principal, final InetAddress host,
                    final AclOperation operation, final ResourceType type, final String name) {
                return !(type == ResourceType.CLUSTER && operation == AclOperation.DESCRIBE_CONFIGS);
            }

            @Override
            public boolean authorizedForAny(final KafkaPrincipal principal, final InetAddress host,
                    final AclOperation operation, final ResourceType type) {
                return true;
            }
        };
        final short version = ApiKeys.DESCRIBE_CLIENT_QUOTAS.latestVersion();
        final DescribeClientQuotasRequest request = new DescribeClientQuotasRequest(
                new DescribeClientQuotasRequestData(), version);
        final RequestContext context = TestContexts.plaintext(new RequestHeader(ApiKeys.DESCRIBE_CLIENT_QUOTAS,
                version, "test-client", 7), noClusterDescribeConfigs);
        final DescribeClientQuotasResponse response = (DescribeClientQuotasResponse) handler.handle(context, request)
                .get(10, TimeUnit.SECONDS);
        assertEquals(Errors.CLUSTER_AUTHORIZATION_FAILED.code(), response.data().errorCode());
        assertNull(response.data().entries());
    }

    private void assertError(final Errors expected, final ComponentData... filter) throws Exception {
        final DescribeClientQuotasResponse response = call(handler,
                new DescribeClientQuotasRequestData().setComponents(List.of(filter)), (short) 1);
        assertEquals(expected.code(), response.data().errorCode(), List.of(filter)::toString);
        assertNull(response.data().entries());
    }

    private static ComponentData component(final String type, final byte matchType, final String match) {
        return new ComponentData().setEntityType(type).setMatchType(matchType).setMatch(match);
    }
}
