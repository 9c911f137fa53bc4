import { DiscardPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { renderConsumerLag } from '../metrics/consumer-lag.js';
import { toConsumerConfig, toStreamConfig } from '../setup/stream-config.js';
import { kindOfSubject, recordSubject, resolveBrokerConfig, streamSubjects } from './broker-config.js';
import { formatDuration, parseDuration } from './duration.js';
import { DEFAULT_STREAM_SETTINGS, resolveStreamSettings } from './stream-settings.js';

describe('broker config', () => {
  it('fills defaults and splits a comma-separated server list', () => {
    expect(resolveBrokerConfig({ url: 'nats://a:4222, nats://b:4222' })).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      stream: 'TRIBUTARY',
      subjectPrefix: 'tributary',
      durable: 'tributary-loader',
    });
  });

  it.each([
    [{ url: '' }, /broker.url is empty/],
    [{ url: 'http://a:80' }, /not a NATS server URL/],
    [{ url: 'nats://a:4222', stream: 'with.dot' }, /broker.stream "with.dot"/],
    [{ url: 'nats://a:4222', durable: 'a b' }, /broker.durable "a b"/],
    [{ url: 'nats://a:4222', subjectPrefix: 'a.*' }, /broker.subjectPrefix "a.\*"/],
  ])('rejects %j', (config, message) => {
    expect(() => resolveBrokerConfig(config)).toThrow(message);
  });

  it('builds one subject per source and kind, and reads the kind back', () => {
    const config = resolveBrokerConfig({ url: 'nats://a:4222', subjectPrefix: 'acme.prod' });
    expect(recordSubject(config, 'events', 'web shop.eu')).toBe('acme.prod.events.web_shop_eu');
    expect(recordSubject(config, 'rejected', 'ios')).toBe('acme.prod.rejected.ios');
    expect(streamSubjects(config)).toEqual(['acme.prod.events.>', 'acme.prod.rejected.>']);
    expect(kindOfSubject(config, 'acme.prod.events.ios')).toBe('events');
    expect(kindOfSubject(config, 'acme.prod.rejected.ios')).toBe('rejected');
    expect(kindOfSubject(config, 'acme.prod.other.ios')).toBeUndefined();
    expect(kindOfSubject(config, 'other.events.ios')).toBeUndefined();
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['1.5s', 1500],
    ['250', 250],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text, '--x')).toBe(ms);
  });

  it('names the setting in the error', () => {
    expect(() => parseDuration('soon', '--max-age')).toThrow('--max-age "soon" is not a duration');
  });

  it('formats with the largest exact unit', () => {
    expect([172_800_000, 120_000, 90_000, 1500].map(formatDuration)).toEqual(['2d', '2m', '90s', '1500ms']);
  });
});

describe('stream settings', () => {
  it.each([
    [{ replicas: 2.5 }, /replicas must be an integer from 1 to 5/],
    [{ replicas: 7 }, /replicas/],
    [{ retention: 'forever' as never }, /retention must be "limits" or "workqueue"/],
    [{ duplicateWindowMs: 50 }, /duplicateWindow must be at least 100 ms/],
    [{ maxAgeMs: 60_000, duplicateWindowMs: 120_000 }, /duplicateWindow cannot be longer than maxAge/],
    [{ ackWaitMs: 10 }, /ackWait must be at least 1 s/],
    [{ maxBytes: 0 }, /maxBytes must be -1/],
  ])('rejects %j', (settings, message) => {
    expect(() => resolveStreamSettings(settings)).toThrow(message);
  });

  it('maps to the JetStream stream and consumer configuration', () => {
    const config = resolveBrokerConfig({ url: 'nats://a:4222', stream: 'S', durable: 'd' });
    const limits = toStreamConfig(config, DEFAULT_STREAM_SETTINGS);
    expect(limits).toMatchObject({
      name: 'S',
      subjects: ['tributary.events.>', 'tributary.rejected.>'],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: 7 * 86_400_000 * 1e6,
      duplicate_window: 120_000 * 1e6,
      num_replicas: 1,
    });
    const workqueue = toStreamConfig(config, resolveStreamSettings({ retention: 'workqueue', replicas: 3 }));
    expect(workqueue).toMatchObject({
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      num_replicas: 3,
    });
    expect(toConsumerConfig(config, DEFAULT_STREAM_SETTINGS)).toMatchObject({
      durable_name: 'd',
      ack_policy: 'explicit',
      filter_subject: 'tributary.>',
      ack_wait: 30_000 * 1e6,
      max_deliver: -1,
    });
  });
});

describe('consumer lag metrics', () => {
  it('renders gauges labelled with stream and consumer, or jetstream_up 0', () => {
    const text = renderConsumerLag({
      stream: 'S',
      consumer: 'd',
      pending: 40,
      ackPending: 2,
      lag: 42,
      redelivered: 1,
      waiting: 2,
      streamMessages: 100,
      lastSequence: 100,
    });
    expect(text).toContain('tributary_jetstream_up 1');
    expect(text).toContain('tributary_jetstream_consumer_lag_messages{stream="S",consumer="d"} 42');
    expect(text).toContain('tributary_jetstream_consumer_pending_messages{stream="S",consumer="d"} 40');
    expect(text).toContain('tributary_jetstream_consumer_ack_pending_messages{stream="S",consumer="d"} 2');
    expect(renderConsumerLag(undefined)).toContain('tributary_jetstream_up 0');
    expect(renderConsumerLag(undefined)).not.toContain('lag_messages');
  });
});
