/** A seeded source of uniform numbers in [0, 1) for simulations: tests never use Math.random. */
export interface Random {
  uniform(): number;
  normal(): number;
  binomial(n: number, p: number): number;
}

/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32, with Box–Muller normals and binomials
 * drawn by counting geometric gaps between successes (exact, about n·p steps).
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const result = Math.imul(rotate(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotate(d, 11);
    return result;
  };
  // 53 random bits from two 32-bit outputs
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const binomial = (n: number, p: number): number => {
    if (p <= 0) return 0;
    if (p >= 1) return n;
    const logFailure = Math.log1p(-p);
    let successes = 0;
    let position = Math.floor(Math.log(1 - uniform()) / logFailure);
    while (position < n) {
      successes++;
      position += 1 + Math.floor(Math.log(1 - uniform()) / logFailure);
    }
    return successes;
  };
  return { uniform, normal, binomial };
}

function rotate(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
