// kafkajs 2.2.4 transactions against ailurus, run by ClientToolsTransactionsIT:
//   node transactions.js HOST:PORT TOPIC
// Commits, aborts and commits again on two partitions, the last two with offsets sent to a group, then reads with a
// read_committed consumer and prints one JSON line: the values read (sorted) and the group's committed offsets.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'ailurus-kafkajs-it', brokers: [bootstrap], logLevel: logLevel.WARN });
const offsetsGroup = topic + '-offsets';

async function inTransaction(producer, messages, offsets, end) {
  const t = await producer.transaction();
  for (const [value, partition] of messages) {
    await t.send({ topic, messages: [{ value, partition }] });
  }
  if (offsets) {
    await t.sendOffsets({ consumerGroupId: offsetsGroup, topics: [{ topic, partitions: offsets }] });
  }
  await (end === 'commit' ? t.commit() : t.abort());
}

// Each partition ends with an 'end-N' record: once both are read, every earlier record was either read or skipped,
// so an aborted value that is missing is skipped, not merely late.
async function readCommitted() {
  const seen = [];
  const ends = new Set();
  const consumer = kafka.consumer({ groupId: topic + '-reader', readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('read_committed: timed out, read ' + JSON.stringify(seen))), 30000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        const value = message.value.toString();
        seen.push(value);
        if (value === 'end-' + partition) {
          ends.add(partition);
        }
        if (ends.size === 2) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return seen.sort();
}

// Offsets sent in a transaction become visible when its marker reaches __consumer_offsets, just after the commit.
async function committedOffsets(admin) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const [fetched] = await admin.fetchOffsets({ groupId: offsetsGroup, topics: [topic] });
    const offsets = Object.fromEntries(fetched.partitions.map(p => [p.partition, p.offset]));
    if (offsets[0] !== '-1' || Date.now() > deadline) {
      return offsets;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer({ transactionalId: topic + '-tx', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  await inTransaction(producer, [['committed-1', 0], ['committed-2', 1]], null, 'commit');
  await inTransaction(producer, [['aborted-1', 0], ['aborted-2', 1]], [{ partition: 1, offset: '99' }], 'abort');
  await inTransaction(producer, [['committed-3', 0], ['end-0', 0], ['end-1', 1]], [{ partition: 0, offset: '3' }],
    'commit');
  await producer.disconnect();
  const values = await readCommitted();
  const offsets = await committedOffsets(admin);
  await admin.disconnect();
  console.log(JSON.stringify({ values, offsets }));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
