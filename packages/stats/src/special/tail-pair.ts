/** A probability and its complement, each computed without subtracting from 1 where that loses digits. */
export interface TailPair {
  readonly lower: number;
  readonly upper: number;
}
