package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.NODE_ID;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeClusterHandlerTest {

    @TempDir
    Path dataDir;

    private DescribeClusterHandler handler() {
        return new DescribeClusterHandler(TopicPartitionsTest.services(dataDir, null, null));
    }

    @Test
    void thisNodeIsTheWholeCluster() throws Exception {
        final DescribeClusterResponse response = call(handler(), new DescribeClusterRequestData(), (short) 2);
        assertEquals(Errors.NONE.code(), response.data().errorCode());
        assertEquals("test-cluster", response.data().clusterId());
        assertEquals(NODE_ID, response.data().controllerId());
        assertEquals(Integer.MIN_VALUE, response.data().clusterAuthorizedOperations());
        assertEquals(1, response.data().brokers().size());
        final DescribeClusterBroker broker = response.data().brokers().find(NODE_ID);
        assertEquals("broker.example", broker.host());
        assertEquals(19092, broker.port());
        assertNull(broker.rack());
        assertEquals(EndpointType.BROKER.id(), response.data().endpointType());
    }

    @Test
    void authorizedOperationsWhenAsked() throws Exception {
        final DescribeClusterResponse response = call(handler(),
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true), (short) 0);
        final Set<Byte> operations = Utils.from32BitField(response.data().clusterAuthorizedOperations());
        assertTrue(operations.contains(AclOperation.DESCRIBE.code()));
        assertTrue(operations.contains(AclOperation.IDEMPOTENT_WRITE.code()));
        assertEquals(7, operations.size());
    }

    @Test
    void controllerEndpointsAreNotHere() throws Exception {
        final DescribeClusterResponse mismatched = call(handler(),
                new DescribeClusterRequestData().setEndpointType(EndpointType.CONTROLLER.id()), (short) 1);
        assertEquals(Errors.MISMATCHED_ENDPOINT_TYPE.code(), mismatched.data().errorCode());
        final DescribeClusterResponse unknown = call(handler(),
                new DescribeClusterRequestData().setEndpointType((byte) 9), (short) 2);
        assertEquals(Errors.UNSUPPORTED_ENDPOINT_TYPE.code(), unknown.data().errorCode());
    }
}
