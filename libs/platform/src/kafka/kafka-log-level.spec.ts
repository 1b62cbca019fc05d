import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-log-level';

const entry = (namespace: string, level: logLevel, message: string, error?: unknown) => ({
  namespace,
  level,
  log: { timestamp: 'now', logger: 'kafkajs', message, ...(error === undefined ? {} : { error }) },
});

describe('kafkaLogLevel', () => {
  it('keeps requests kafkajs retries by itself while the broker starts quiet', () => {
    for (const error of [
      'The group coordinator is not available',
      "The coordinator is loading and hence can't process requests for this group",
      'There is no leader for this topic-partition as we are in the middle of a leadership election',
    ]) {
      expect(
        kafkaLogLevel(entry('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10)', error)),
      ).toBe('debug');
    }
  });

  it('keeps a send the producer retries after a leader moved quiet, not a send that cannot be retried', () => {
    const send = (error: string) =>
      kafkaLogLevel(entry('Producer', logLevel.ERROR, `Failed to send messages: ${error}`));
    expect(send('This server is not the leader for that topic-partition')).toBe('debug');
    expect(
      send('The request included a message larger than the max message size the server will accept'),
    ).toBe('error');
  });

  it('warns about a failed request kafkajs does not retry', () => {
    expect(
      kafkaLogLevel(
        entry('Connection', logLevel.ERROR, 'Response SaslAuthenticate(key: 36)', 'Authentication failed'),
      ),
    ).toBe('warn');
  });

  it('keeps the outbox relay’s deliberate retry limit and group rebalances quiet', () => {
    expect(
      kafkaLogLevel(
        entry(
          'Producer',
          logLevel.WARN,
          'Limiting retries for the idempotent producer may invalidate EoS guarantees',
        ),
      ),
    ).toBe('debug');
    expect(kafkaLogLevel(entry('Runner', logLevel.WARN, 'The group is rebalancing, re-joining'))).toBe(
      'debug',
    );
  });

  it('still reports what finally fails as an error', () => {
    expect(
      kafkaLogLevel(
        entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: connect ECONNREFUSED'),
      ),
    ).toBe('error');
    expect(
      kafkaLogLevel(entry('Runner', logLevel.ERROR, 'Error when calling eachMessage', new Error('boom'))),
    ).toBe('error');
  });
});
