// The bench's local ingest server, run as a child process so its CPU time is not counted against
// the clients. Accepts Segment batches (Basic auth `writeKey:`), counts distinct messageIds per
// write key, answers 200 { accepted, rejected, duplicates, errors }. GET /stats returns the counts.
import { createServer } from 'node:http';

const seen = new Map();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Object.fromEntries([...seen].map(([key, ids]) => [key, ids.size]))));
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end('{"error":"not JSON"}');
      return;
    }
    // Basic auth `writeKey:` (Tributary) or `writeKey` in the body (analytics-node 2.x).
    const auth = req.headers.authorization;
    const writeKey = auth
      ? Buffer.from(auth.replace(/^Basic /, ''), 'base64')
          .toString('utf8')
          .replace(/:$/, '')
      : String(body.writeKey);
    const ids = seen.get(writeKey) ?? new Set();
    seen.set(writeKey, ids);
    let accepted = 0;
    for (const message of body.batch ?? []) {
      if (!ids.has(message.messageId)) {
        ids.add(message.messageId);
        accepted++;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ accepted, rejected: 0, duplicates: (body.batch?.length ?? 0) - accepted, errors: [] }),
    );
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('disconnect', () => process.exit(0));
