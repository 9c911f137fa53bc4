import type { Priority } from '@tributary/schema';
import type { QueuedMessage } from './message.js';

/** Bounds of the in-memory queue (pending and in-flight messages count alike). */
export interface QueueLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

/** What enqueueing did: the message was accepted (possibly evicting others) or refused. */
export type EnqueueResult =
  | { readonly kind: 'accepted'; readonly evicted: readonly QueuedMessage[] }
  | { readonly kind: 'refused'; readonly evicted: readonly QueuedMessage[] };

/** A bounded three-lane queue: critical first, eviction from the low end. */
export interface MessageQueue {
  /** Adds a message, evicting lower-or-equal priority pending messages (low first, oldest first) if full. */
  enqueue(message: QueuedMessage): EnqueueResult;
  /** Adds a message ignoring the bounds (replay from persistence); returns messages evicted to make room. */
  restore(message: QueuedMessage): EnqueueResult;
  /** Moves up to `maxCount` messages / `maxBytes` bytes to in-flight: critical first, then normal, then low. */
  takeBatch(maxCount: number, maxBytes: number): QueuedMessage[];
  /** Returns in-flight messages to the front of their lanes (after a retryable failure). */
  requeue(messages: readonly QueuedMessage[]): void;
  /** Forgets in-flight messages (acknowledged or handed to the backup). */
  complete(messages: readonly QueuedMessage[]): void;
  /** Removes and returns every pending message (used when shutting down without delivery). */
  drainPending(): QueuedMessage[];
  /** Every message not yet completed, pending and in flight. */
  all(): QueuedMessage[];
  readonly pendingCount: number;
  readonly pendingCritical: number;
  readonly size: number;
  readonly bytes: number;
}

const RANK: Readonly<Record<Priority, number>> = { critical: 2, normal: 1, low: 0 };
const EVICTION_ORDER: readonly Priority[] = ['low', 'normal'];

/** A FIFO with O(1) amortised push, shift and unshift (head index over an array). */
class Lane {
  private items: QueuedMessage[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: QueuedMessage): void {
    this.items.push(item);
  }
  peek(): QueuedMessage | undefined {
    return this.items[this.head];
  }
  at(index: number): QueuedMessage | undefined {
    return this.items[this.head + index];
  }
  shift(): QueuedMessage | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  unshiftAll(front: readonly QueuedMessage[]): void {
    if (front.length === 0) return;
    this.items = [...front, ...this.items.slice(this.head)];
    this.head = 0;
  }
  toArray(): QueuedMessage[] {
    return this.items.slice(this.head);
  }
  clear(): QueuedMessage[] {
    const all = this.toArray();
    this.items = [];
    this.head = 0;
    return all;
  }
}

/**
 * Creates the bounded priority queue. Eviction rule: a new message may evict pending messages of
 * its own or a lower priority, low before normal, oldest first; critical messages are never
 * evicted. When nothing can be evicted the new message is refused (the caller hands it to the
 * backup). In-flight messages are never evicted.
 */
export function createMessageQueue(limits: QueueLimits): MessageQueue {
  const lanes: Record<Priority, Lane> = { critical: new Lane(), normal: new Lane(), low: new Lane() };
  const inFlight = new Set<QueuedMessage>();
  let size = 0;
  let bytes = 0;

  const fits = (extraBytes: number) => size + 1 <= limits.maxEvents && bytes + extraBytes <= limits.maxBytes;

  const evictFor = (message: QueuedMessage): QueuedMessage[] | undefined => {
    const evicted: QueuedMessage[] = [];
    let freedCount = 0;
    let freedBytes = 0;
    const enough = () =>
      size - freedCount + 1 <= limits.maxEvents && bytes - freedBytes + message.bytes <= limits.maxBytes;
    // Check first that eviction can make room, so a refused message evicts nothing.
    for (const priority of EVICTION_ORDER) {
      if (RANK[priority] > RANK[message.priority]) break;
      const lane = lanes[priority];
      for (
        let i = 0, candidate = lane.at(0);
        candidate !== undefined && !enough();
        candidate = lane.at(++i)
      ) {
        freedCount++;
        freedBytes += candidate.bytes;
        evicted.push(candidate);
      }
    }
    if (!enough()) return undefined;
    for (const victim of evicted) {
      lanes[victim.priority].shift();
      size--;
      bytes -= victim.bytes;
    }
    return evicted;
  };

  const add = (message: QueuedMessage) => {
    lanes[message.priority].push(message);
    size++;
    bytes += message.bytes;
  };

  return {
    enqueue(message) {
      if (fits(message.bytes)) {
        add(message);
        return { kind: 'accepted', evicted: [] };
      }
      const evicted = evictFor(message);
      if (evicted === undefined) return { kind: 'refused', evicted: [] };
      add(message);
      return { kind: 'accepted', evicted };
    },
    restore(message) {
      const evicted = fits(message.bytes) ? [] : (evictFor(message) ?? []);
      add(message);
      return { kind: 'accepted', evicted };
    },
    takeBatch(maxCount, maxBytes) {
      const batch: QueuedMessage[] = [];
      let batchBytes = 0;
      for (const priority of ['critical', 'normal', 'low'] as const) {
        const lane = lanes[priority];
        for (let next = lane.peek(); next !== undefined && batch.length < maxCount; next = lane.peek()) {
          if (batch.length > 0 && batchBytes + next.bytes > maxBytes) return finish();
          lane.shift();
          batch.push(next);
          batchBytes += next.bytes;
        }
      }
      return finish();
      function finish() {
        for (const message of batch) inFlight.add(message);
        return batch;
      }
    },
    requeue(messages) {
      for (const priority of ['critical', 'normal', 'low'] as const) {
        const front = messages.filter((m) => m.priority === priority && inFlight.delete(m));
        lanes[priority].unshiftAll(front);
      }
    },
    complete(messages) {
      for (const message of messages) {
        if (inFlight.delete(message)) {
          size--;
          bytes -= message.bytes;
        }
      }
    },
    drainPending() {
      const drained = [...lanes.critical.clear(), ...lanes.normal.clear(), ...lanes.low.clear()];
      for (const message of drained) {
        size--;
        bytes -= message.bytes;
      }
      return drained;
    },
    all() {
      return [...inFlight, ...lanes.critical.toArray(), ...lanes.normal.toArray(), ...lanes.low.toArray()];
    },
    get pendingCount() {
      return lanes.critical.length + lanes.normal.length + lanes.low.length;
    },
    get pendingCritical() {
      return lanes.critical.length;
    },
    get size() {
      return size;
    },
    get bytes() {
      return bytes;
    },
  };
}
