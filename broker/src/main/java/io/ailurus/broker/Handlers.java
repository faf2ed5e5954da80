package io.ailurus.broker;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.handler.AlterConfigsHandler;
import io.ailurus.kafka.handler.ApiVersionsHandler;
import io.ailurus.kafka.handler.CreatePartitionsHandler;
import io.ailurus.kafka.handler.CreateTopicsHandler;
import io.ailurus.kafka.handler.DeleteRecordsHandler;
import io.ailurus.kafka.handler.DeleteTopicsHandler;
import io.ailurus.kafka.handler.DescribeClusterHandler;
import io.ailurus.kafka.handler.DescribeConfigsHandler;
import io.ailurus.kafka.handler.DescribeLogDirsHandler;
import io.ailurus.kafka.handler.FetchHandler;
import io.ailurus.kafka.handler.IncrementalAlterConfigsHandler;
import io.ailurus.kafka.handler.InitProducerIdHandler;
import io.ailurus.kafka.handler.ListOffsetsHandler;
import io.ailurus.kafka.handler.MetadataHandler;
import io.ailurus.kafka.handler.OffsetForLeaderEpochHandler;
import io.ailurus.kafka.handler.ProduceHandler;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/** The Kafka APIs this node serves: one handler per API key. ApiVersions advertises exactly this list. */
final class Handlers {

    private Handlers() {
    }

    static List<ApiHandler<?>> all(final BrokerServices services,
            final Supplier<ApiVersionsResponseData.ApiVersionCollection> advertised) {
        return List.of(
                new ApiVersionsHandler(advertised),
                new MetadataHandler(services),
                new ProduceHandler(services),
                new FetchHandler(services),
                new ListOffsetsHandler(services),
                new OffsetForLeaderEpochHandler(services),
                new InitProducerIdHandler(services),
                new CreateTopicsHandler(services),
                new DeleteTopicsHandler(services),
                new CreatePartitionsHandler(services),
                new DescribeConfigsHandler(services),
                new AlterConfigsHandler(services),
                new IncrementalAlterConfigsHandler(services),
                new DescribeClusterHandler(services),
                new DeleteRecordsHandler(services),
                new DescribeLogDirsHandler(services));
    }
}
