package io.ailurus.broker;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.handler.AlterConfigsHandler;
import io.ailurus.kafka.handler.ConsumerGroupDescribeHandler;
import io.ailurus.kafka.handler.ConsumerGroupHeartbeatHandler;
import io.ailurus.kafka.handler.FindCoordinatorHandler;
import io.ailurus.kafka.handler.JoinGroupHandler;
import io.ailurus.kafka.handler.SyncGroupHandler;
import io.ailurus.kafka.handler.HeartbeatHandler;
import io.ailurus.kafka.handler.LeaveGroupHandler;
import io.ailurus.kafka.handler.OffsetCommitHandler;
import io.ailurus.kafka.handler.OffsetFetchHandler;
import io.ailurus.kafka.handler.ListGroupsHandler;
import io.ailurus.kafka.handler.DescribeGroupsHandler;
import io.ailurus.kafka.handler.DeleteGroupsHandler;
import io.ailurus.kafka.handler.OffsetDeleteHandler;
import io.ailurus.kafka.handler.ApiVersionsHandler;
import io.ailurus.kafka.handler.CreatePartitionsHandler;
import io.ailurus.kafka.handler.CreateTopicsHandler;
import io.ailurus.kafka.handler.DeleteRecordsHandler;
import io.ailurus.kafka.handler.DescribeProducersHandler;
import io.ailurus.kafka.handler.DeleteTopicsHandler;
import io.ailurus.kafka.handler.DescribeClientQuotasHandler;
import io.ailurus.kafka.handler.DescribeClusterHandler;
import io.ailurus.kafka.handler.DescribeConfigsHandler;
import io.ailurus.kafka.handler.DescribeLogDirsHandler;
import io.ailurus.kafka.handler.FetchHandler;
import io.ailurus.kafka.handler.IncrementalAlterConfigsHandler;
import io.ailurus.kafka.handler.InitProducerIdHandler;
import io.ailurus.kafka.handler.AddOffsetsToTxnHandler;
import io.ailurus.kafka.handler.AddPartitionsToTxnHandler;
import io.ailurus.kafka.handler.DescribeTransactionsHandler;
import io.ailurus.kafka.handler.EndTxnHandler;
import io.ailurus.kafka.handler.ListTransactionsHandler;
import io.ailurus.kafka.handler.TxnOffsetCommitHandler;
import io.ailurus.kafka.handler.WriteTxnMarkersHandler;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionVerifier;
import io.ailurus.kafka.handler.ListOffsetsHandler;
import io.ailurus.kafka.handler.MetadataHandler;
import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.kafka.handler.AclHandlers;
import io.ailurus.kafka.handler.AlterUserScramCredentialsHandler;
import io.ailurus.kafka.handler.DescribeUserScramCredentialsHandler;
import io.ailurus.kafka.handler.SaslAuthenticateHandler;
import io.ailurus.kafka.handler.SaslHandshakeHandler;
import io.ailurus.kafka.security.SaslMechanisms;
import io.ailurus.kafka.handler.OffsetForLeaderEpochHandler;
import io.ailurus.kafka.handler.ProduceHandler;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/** The Kafka APIs this node serves: one handler per API key. ApiVersions advertises exactly this list. */
final class Handlers {

    private Handlers() {
    }

    static List<ApiHandler<?>> all(final BrokerServices services, final GroupCoordinator groups,
            final TransactionCoordinator transactions, final TransactionVerifier verifier,
            final SecurityStore security, final SaslMechanisms sasl,
            final Supplier<ApiVersionsResponseData.ApiVersionCollection> advertised) {
        final List<ApiHandler<?>> all = new java.util.ArrayList<>(List.of(
                new ApiVersionsHandler(advertised),
                new SaslHandshakeHandler(sasl),
                new SaslAuthenticateHandler(sasl),
                new DescribeUserScramCredentialsHandler(security),
                new AlterUserScramCredentialsHandler(security),
                new MetadataHandler(services),
                new ProduceHandler(services, verifier),
                new FetchHandler(services),
                new ListOffsetsHandler(services),
                new OffsetForLeaderEpochHandler(services),
                new InitProducerIdHandler(services, transactions),
                new CreateTopicsHandler(services),
                new DeleteTopicsHandler(services),
                new CreatePartitionsHandler(services),
                new DescribeConfigsHandler(services),
                new AlterConfigsHandler(services),
                new IncrementalAlterConfigsHandler(services),
                new DescribeClusterHandler(services),
                new DescribeClientQuotasHandler(),
                new DeleteRecordsHandler(services),
                new DescribeProducersHandler(services),
                new DescribeLogDirsHandler(services),
                new FindCoordinatorHandler(services, groups, transactions),
                new JoinGroupHandler(groups),
                new SyncGroupHandler(groups),
                new HeartbeatHandler(groups),
                new LeaveGroupHandler(groups),
                new OffsetCommitHandler(groups),
                new OffsetFetchHandler(groups),
                new ListGroupsHandler(groups),
                new DescribeGroupsHandler(groups),
                new DeleteGroupsHandler(groups),
                new OffsetDeleteHandler(groups),
                new ConsumerGroupHeartbeatHandler(groups),
                new ConsumerGroupDescribeHandler(groups),
                new AddPartitionsToTxnHandler(services, transactions),
                new AddOffsetsToTxnHandler(transactions, groups),
                new TxnOffsetCommitHandler(groups),
                new EndTxnHandler(transactions),
                new WriteTxnMarkersHandler(transactions),
                new DescribeTransactionsHandler(transactions),
                new ListTransactionsHandler(transactions)));
        all.addAll(AclHandlers.all(security));
        return all;
    }
}
