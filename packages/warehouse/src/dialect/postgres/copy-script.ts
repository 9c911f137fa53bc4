import type pg from 'pg';

/** What a `pg` client hands a submitted query: the wire connection (pg's own, untyped here). */
interface WireConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * A `pg` submittable for a simple-protocol script holding one `COPY … FROM STDIN`: the script,
 * the COPY data and CopyDone go out in one write, without waiting for CopyInResponse, so the whole
 * script costs one round trip. The server reads the data when its COPY starts; if a statement
 * before the COPY fails, it discards the CopyData/CopyDone messages (as the protocol specifies
 * for messages arriving outside COPY mode).
 */
class CopyScriptQuery {
  readonly done: Promise<number>;
  #copied = 0;
  #resolve!: (rows: number) => void;
  #reject!: (error: Error) => void;

  constructor(
    private readonly script: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: WireConnection): void {
    connection.query(this.script);
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    if (message.text?.startsWith('COPY ')) this.#copied = Number(message.text.slice(5));
  }

  /** A server error (the client then waits for ReadyForQuery itself) or a lost connection. */
  handleError(error: Error): void {
    this.#reject(error);
  }

  handleReadyForQuery(): void {
    this.#resolve(this.#copied);
  }

  // The data went out with the script; rows of SELECTs in the script are not needed.
  handleCopyInResponse(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/**
 * Runs `script` (simple protocol: several statements, exactly one `COPY … FROM STDIN`) on `client`
 * in ONE round trip, feeding `data` (in the COPY's format) to its COPY; returns the rows copied.
 * COPY is PostgreSQL's bulk-load path, several times cheaper per row than a multi-row INSERT; one
 * round trip keeps a lock taken in the script held only as long as the server needs.
 *
 * @example
 * await copyScript(client, 'BEGIN; SELECT pg_advisory_xact_lock(7); COPY t (a, b) FROM STDIN; COMMIT', 'x\t1\n');
 */
export function copyScript(
  client: pg.ClientBase,
  script: string,
  data: string | Uint8Array,
): Promise<number> {
  const query = new CopyScriptQuery(
    script,
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  );
  void client.query(query as unknown as pg.Submittable);
  return query.done;
}
