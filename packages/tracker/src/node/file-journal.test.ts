import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackerError } from '../errors.js';
import { openFileJournal, readJournal, removeJournal } from './file-journal.js';

const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'trk-journal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeJournal(dir);
});

const message = (id: string, priority: 'critical' | 'normal' | 'low' = 'normal') => ({
  id,
  priority,
  json: JSON.stringify({ type: 'track', messageId: id, event: 'ping', properties: { n: id } }),
});

describe('file journal', () => {
  it('replays appended messages that were not acknowledged, in order, with their priority', async () => {
    const dir = tempDir();
    const first = openFileJournal({ dir, fsync: 'never' });
    for (const id of ['a', 'b', 'c', 'd']) first.append(message(id, id === 'c' ? 'critical' : 'normal'));
    first.ack(['b', 'd']);
    await first.close();
    const second = openFileJournal({ dir });
    expect(await second.load()).toEqual([message('a'), message('c', 'critical')]);
    await second.close();
  });

  it('tolerates a torn last line and does not glue it to the next append', async () => {
    const dir = tempDir();
    const first = openFileJournal({ dir, fsync: 'always' });
    first.append(message('a'));
    first.append(message('b'));
    await first.close();
    const path = join(dir, 'journal.jsonl');
    appendFileSync(path, '{"p":"normal","id":"c","m":{"type":"tra');
    const second = openFileJournal({ dir });
    expect(second.contents.tornLastLine).toBe(true);
    expect((await second.load()).map((m) => m.id)).toEqual(['a', 'b']);
    second.append(message('d'));
    await second.close();
    const third = openFileJournal({ dir });
    expect((await third.load()).map((m) => m.id)).toEqual(['a', 'b', 'd']);
    expect(third.contents.tornLastLine).toBe(false);
    await third.close();
  });

  it('skips corrupt lines in the middle and warns', () => {
    const text = [
      JSON.stringify({ p: 'normal', id: 'a', m: { x: 1 } }),
      'garbage',
      JSON.stringify({ p: 'low', id: 'b', m: { x: 2 } }),
      JSON.stringify({ a: ['a'] }),
      '',
    ].join('\n');
    expect(readJournal(text)).toEqual({
      messages: [{ id: 'b', priority: 'low', json: '{"x":2}' }],
      tornLastLine: false,
      corruptLines: 1,
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'journal.jsonl'), text);
    const warnings: string[] = [];
    const journal = openFileJournal({ dir, onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/skipped 1 unreadable lines/);
    return journal.close();
  });

  it('compaction keeps only live messages and shrinks the file', async () => {
    const dir = tempDir();
    const journal = openFileJournal({ dir, fsync: 'never' });
    const ids = Array.from({ length: 500 }, (_, i) => `m${i}`);
    for (const id of ids) journal.append(message(id));
    journal.ack(ids.slice(0, 498));
    const path = join(dir, 'journal.jsonl');
    const before = readFileSync(path, 'utf8').length;
    journal.compact!([message('m498'), message('m499')]);
    journal.append(message('m500'));
    const after = readFileSync(path, 'utf8');
    expect(after.length).toBeLessThan(before / 50);
    expect(readJournal(after).messages.map((m) => m.id)).toEqual(['m498', 'm499', 'm500']);
    await journal.close();
  });

  it('locks the directory to one live process and takes over a dead owner', async () => {
    const dir = tempDir();
    const journal = openFileJournal({ dir });
    let error: unknown;
    // The lock names a live process (the test runner's parent) so it must be refused.
    writeFileSync(join(dir, 'journal.lock'), String(process.ppid));
    try {
      openFileJournal({ dir });
    } catch (caught) {
      error = caught;
    }
    expect(TrackerError.isInstance(error) && error.code).toBe('journal_locked');
    // A lock left by a dead process (pid far above pid_max) is taken over.
    writeFileSync(join(dir, 'journal.lock'), '99999999');
    const next = openFileJournal({ dir });
    await next.close();
    expect(existsSync(join(dir, 'journal.lock'))).toBe(false);
    await journal.close();
  });
});
