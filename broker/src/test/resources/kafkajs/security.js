// kafkajs 2.2.4 over TLS with SASL SCRAM against ailurus, run by ClientToolsSecurityIT:
//   node security.js HOST:PORT CA_PEM MECHANISM USER PASSWORD TOPIC GROUP
// Lists the topics the user may describe, produces three records to TOPIC, reads them back in GROUP, commits, and
// prints one JSON line: the topics listed, the values read and the group's committed offsets.
const fs = require('fs');
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, caPem, mechanism, username, password, topic, groupId] = process.argv.slice(2);
const kafka = new Kafka({
  clientId: 'ailurus-kafkajs-security-it',
  brokers: [bootstrap],
  logLevel: logLevel.WARN,
  ssl: { ca: [fs.readFileSync(caPem)] },
  sasl: { mechanism, username, password },
  connectionTimeout: 10000,
  authenticationTimeout: 10000,
  retry: { retries: 3 },
});

async function consumeAll(count) {
  const seen = [];
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out, read ' + JSON.stringify(seen))), 30000);
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value.toString());
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        if (seen.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).sort();

  const values = [0, 1, 2].map(i => mechanism + '-' + i);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map(value => ({ value, partition: 0 })) });
  await producer.disconnect();

  const read = await consumeAll(values.length);
  const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const offsets = Object.fromEntries(fetched.partitions.map(p => [p.partition, p.offset]));
  await admin.disconnect();
  console.log(JSON.stringify({ topics, values: read, offsets }));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
