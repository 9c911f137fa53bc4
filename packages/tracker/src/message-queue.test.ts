import { describe, expect, it } from 'vitest';
import { createMessageQueue } from './message-queue.js';
import { queued } from './test-helpers/messages.js';

const ids = (messages: readonly { id: string }[]) => messages.map((m) => m.id);

describe('createMessageQueue', () => {
  it('takes critical first, then normal, then low, FIFO within a lane, bounded by count and bytes', () => {
    const queue = createMessageQueue({ maxEvents: 100, maxBytes: 10_000 });
    for (const [id, p] of [
      ['n1', 'normal'],
      ['l1', 'low'],
      ['c1', 'critical'],
      ['n2', 'normal'],
      ['c2', 'critical'],
    ] as const) {
      queue.enqueue(queued(id, p));
    }
    expect(ids(queue.takeBatch(3, 10_000))).toEqual(['c1', 'c2', 'n1']);
    expect(ids(queue.takeBatch(10, 15))).toEqual(['n2']);
    expect(queue.pendingCount).toBe(1);
    expect(queue.size).toBe(5);
  });

  it('always takes at least one message even if it alone exceeds the byte budget', () => {
    const queue = createMessageQueue({ maxEvents: 10, maxBytes: 10_000 });
    queue.enqueue(queued('big', 'normal', 900));
    queue.enqueue(queued('small', 'normal', 10));
    expect(ids(queue.takeBatch(10, 500))).toEqual(['big']);
    expect(ids(queue.takeBatch(10, 500))).toEqual(['small']);
  });

  it('evicts low first (oldest first), then normal, never critical; refuses when only critical remain', () => {
    const queue = createMessageQueue({ maxEvents: 4, maxBytes: 10_000 });
    queue.enqueue(queued('c1', 'critical'));
    queue.enqueue(queued('n1', 'normal'));
    queue.enqueue(queued('l1', 'low'));
    queue.enqueue(queued('l2', 'low'));
    const first = queue.enqueue(queued('c2', 'critical'));
    expect(first.kind).toBe('accepted');
    expect(ids(first.evicted)).toEqual(['l1']);
    expect(ids(queue.enqueue(queued('c3', 'critical')).evicted)).toEqual(['l2']);
    expect(ids(queue.enqueue(queued('c4', 'critical')).evicted)).toEqual(['n1']);
    const refused = queue.enqueue(queued('c5', 'critical'));
    expect(refused).toEqual({ kind: 'refused', evicted: [] });
    expect(queue.enqueue(queued('n9', 'normal')).kind).toBe('refused');
    expect(ids(queue.all())).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('does not let a low message evict a normal one, nor a normal one a critical one', () => {
    const queue = createMessageQueue({ maxEvents: 2, maxBytes: 10_000 });
    queue.enqueue(queued('n1', 'normal'));
    queue.enqueue(queued('c1', 'critical'));
    expect(queue.enqueue(queued('l1', 'low')).kind).toBe('refused');
    const normal = queue.enqueue(queued('n2', 'normal'));
    expect(ids(normal.evicted)).toEqual(['n1']);
    expect(queue.enqueue(queued('n3', 'normal')).evicted.map((m) => m.id)).toEqual(['n2']);
  });

  it('bounds bytes too, evicting as many low messages as needed', () => {
    const queue = createMessageQueue({ maxEvents: 100, maxBytes: 100 });
    for (let i = 0; i < 5; i++) queue.enqueue(queued(`l${i}`, 'low', 20));
    const result = queue.enqueue(queued('n-big', 'normal', 50));
    expect(ids(result.evicted)).toEqual(['l0', 'l1', 'l2']);
    expect(queue.bytes).toBe(90);
  });

  it('never evicts in-flight messages and requeues them at the front of their lanes', () => {
    const queue = createMessageQueue({ maxEvents: 3, maxBytes: 10_000 });
    queue.enqueue(queued('l1', 'low'));
    queue.enqueue(queued('l2', 'low'));
    const batch = queue.takeBatch(1, 10_000);
    expect(ids(batch)).toEqual(['l1']);
    queue.enqueue(queued('l3', 'low'));
    expect(ids(queue.enqueue(queued('n1', 'normal')).evicted)).toEqual(['l2']);
    queue.requeue(batch);
    expect(ids(queue.takeBatch(10, 10_000))).toEqual(['n1', 'l1', 'l3']);
  });

  it('complete() frees the bounds', () => {
    const queue = createMessageQueue({ maxEvents: 1, maxBytes: 10_000 });
    queue.enqueue(queued('a'));
    const batch = queue.takeBatch(10, 10_000);
    expect(queue.enqueue(queued('b', 'low')).kind).toBe('refused');
    queue.complete(batch);
    expect(queue.size).toBe(0);
    expect(queue.enqueue(queued('b', 'low')).kind).toBe('accepted');
  });
});
