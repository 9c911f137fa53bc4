/** A source of uniform random numbers in [0, 1), injected so tests are deterministic. */
export type Random = () => number;

/** Generates message ids. */
export type IdGenerator = () => string;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Creates a UUIDv7 generator (RFC 9562): a 48-bit millisecond timestamp, version 7, a 12-bit
 * counter seeded at random each millisecond (method 1, so ids from one generator sort in creation
 * order even within a millisecond and when the clock steps back), the variant and 62 random bits.
 *
 * @example
 * const nextId = createUuidV7(() => Date.now(), Math.random);
 * nextId(); // '019ad0f2-8c4e-7a31-9f0c-3d2b8e4f5a61'
 */
export function createUuidV7(now: () => number, random: Random): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.floor(now());
    if (ms > lastMs) {
      lastMs = ms;
      // Leave headroom so a burst within one millisecond rarely overflows the 12-bit counter.
      counter = Math.floor(random() * 0x800);
    } else {
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        lastMs += 1;
        ms = lastMs;
        counter = Math.floor(random() * 0x800);
      }
    }
    const high = Math.floor(ms / 0x1000000);
    const low = ms % 0x1000000;
    const r1 = Math.floor(random() * 0x100000000);
    const r2 = Math.floor(random() * 0x100000000);
    return (
      HEX[(high >>> 16) & 0xff]! +
      HEX[(high >>> 8) & 0xff]! +
      HEX[high & 0xff]! +
      HEX[(low >>> 16) & 0xff]! +
      '-' +
      HEX[(low >>> 8) & 0xff]! +
      HEX[low & 0xff]! +
      '-' +
      HEX[0x70 | (counter >>> 8)]! +
      HEX[counter & 0xff]! +
      '-' +
      HEX[0x80 | ((r1 >>> 24) & 0x3f)]! +
      HEX[(r1 >>> 16) & 0xff]! +
      '-' +
      HEX[(r1 >>> 8) & 0xff]! +
      HEX[r1 & 0xff]! +
      HEX[(r2 >>> 24) & 0xff]! +
      HEX[(r2 >>> 16) & 0xff]! +
      HEX[(r2 >>> 8) & 0xff]! +
      HEX[r2 & 0xff]!
    );
  };
}

/** Matches a UUIDv7 in canonical lower-case form. */
export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The millisecond timestamp encoded in a UUIDv7. */
export function uuidV7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
