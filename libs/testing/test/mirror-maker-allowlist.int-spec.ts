import { randomUUID } from 'node:crypto';
import { dlqTopic, identityDirectoryEntryPublishedV1, topics } from '@therapy-room/contracts';
import { LocalKafka, startMirrorMaker, type MirrorMakerHandle } from '@therapy-room/local-kafka';
import { expectEventually, publishRaw, scanAllRecords, testKafka } from '../src';

const DIRECTORY = identityDirectoryEntryPublishedV1.topic;
/** Every topic of the platform but the directory: every contract topic and every DLQ. */
const OTHER_TOPICS = [...topics.filter((t) => t !== DIRECTORY), ...topics.map(dlqTopic)].sort();

/**
 * The MirrorMaker 2 allowlist (the one the local regions and the KafkaMirrorMaker2 resources carry):
 * with a record on every topic of each region, the other region ends up with the directory topic's
 * record, under `<region>.<topic>`, and nothing else of the other region.
 */
describe('MirrorMaker 2 between two regions replicates the organisation directory and nothing else', () => {
  const clusters = { eea: new LocalKafka({ heapMb: 256 }), uk: new LocalKafka({ heapMb: 256 }) };
  let mirrorMaker: MirrorMakerHandle | undefined;
  const marker = { eea: `eea-marker-${randomUUID()}`, uk: `uk-marker-${randomUUID()}` };

  beforeAll(async () => {
    await Promise.all([clusters.eea.start(), clusters.uk.start()]);
    // Every topic exists and holds its record before MirrorMaker 2 starts: its first look at the
    // source cluster sees all of them at once, so a wider allowlist would show on the first pass.
    for (const region of ['eea', 'uk'] as const) {
      const admin = testKafka(clusters[region].brokers).admin();
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [DIRECTORY, ...OTHER_TOPICS].map((topic) => ({ topic, numPartitions: 1 })),
      });
      await admin.disconnect();
      for (const topic of OTHER_TOPICS)
        await publishRaw(
          topic,
          [{ key: marker[region], value: `${marker[region]} on ${topic}` }],
          clusters[region].brokers,
        );
      await publishRaw(
        DIRECTORY,
        [{ key: marker[region], value: `${marker[region]} on ${DIRECTORY}` }],
        clusters[region].brokers,
      );
    }
    mirrorMaker = await startMirrorMaker({
      clusters: { eea: clusters.eea.brokers, uk: clusters.uk.brokers },
      topics: [DIRECTORY],
    });
  }, 180_000);
  afterAll(async () => {
    await mirrorMaker?.stop();
    await Promise.all([clusters.eea.destroy(), clusters.uk.destroy()]);
  });

  it.each([
    ['eea', 'uk'],
    ['uk', 'eea'],
  ] as const)(
    'from %s to %s: the directory record arrives, no other topic or record does',
    async (from, to) => {
      const mirrored = `${from}.${DIRECTORY}`;
      await expectEventually(
        async () => {
          const { records } = await scanAllRecords(clusters[to].brokers);
          expect(records.filter((r) => r.topic === mirrored).map((r) => r.text)).toEqual([
            expect.stringContaining(`${marker[from]} on ${DIRECTORY}`),
          ]);
        },
        { timeoutMs: 90_000 },
      );
      const { topics: present, records } = await scanAllRecords(clusters[to].brokers);
      const withMarker = records.filter((r) => r.text.includes(marker[from]));
      process.stdout.write(
        `MirrorMaker 2 ${from}→${to}: scanned ${records.length} records in ${present.length} topics of ${to}; ` +
          `records of ${from}: ${withMarker.map((r) => r.topic).join(', ')}\n`,
      );
      expect(withMarker.map((r) => r.topic)).toEqual([mirrored]);
      // Of the other region's topics only the mirror exists here; the rest are this region's own and
      // MirrorMaker's bookkeeping (connector configs, offsets, status).
      const foreign = present.filter((t) => t.startsWith(`${from}.`));
      expect(foreign).toEqual([mirrored]);
      for (const topic of present.filter(
        (t) => !foreign.includes(t) && !OTHER_TOPICS.includes(t) && t !== DIRECTORY,
      ))
        expect(topic).toMatch(/^(mm2-(configs|offsets|status)\.[a-z]+\.internal|__local_kafka_ready)$/);
    },
  );
});
