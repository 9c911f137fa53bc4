import { connect } from 'node:net';

/** What a raw socket client saw: the bytes received, and the socket error if the connection was reset. */
export interface RawExchange {
  readonly text: string;
  readonly error: string | undefined;
  /** Bytes of the request the client wrote before the connection ended. */
  readonly sent: number;
}

/**
 * Sends `request` the way a client on a real network does while the server may already answer:
 * the first `head` bytes, then (once the server's first bytes arrived) the rest in 8 KiB writes,
 * each after the previous one was handed to the kernel; then half-closes and reads until the
 * server closes. Stops writing when the connection ends.
 */
export function sendWhileAnswered(port: number, request: Buffer, head: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    let error: string | undefined;
    let sent = 0;
    let answered!: () => void;
    const firstBytes = new Promise<void>((resolve) => {
      answered = resolve;
    });
    socket.on('data', (chunk) => {
      text += chunk;
      answered();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      answered();
    });
    socket.on('close', () => resolve({ text, error, sent }));
    const write = (chunk: Buffer) =>
      new Promise<void>((done) =>
        socket.write(chunk, () => {
          sent += chunk.byteLength;
          done();
        }),
      );
    socket.on('connect', async () => {
      await write(request.subarray(0, head));
      await firstBytes;
      for (let offset = head; offset < request.byteLength && !socket.destroyed; offset += 8192)
        await write(request.subarray(offset, offset + 8192));
      if (!socket.destroyed) socket.end();
    });
  });
}
