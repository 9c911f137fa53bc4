/** Why an event was rejected: the validators' violation format, also used for the collector's own rules. */
export interface Reason {
  readonly path: string;
  readonly rule: string;
  readonly expected: string;
  readonly received: string;
  readonly message: string;
}
