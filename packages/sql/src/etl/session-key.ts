import { quoteIdentifier } from '../identifiers.js';

const TS = quoteIdentifier('timestamp');
const C = 'COLLATE "C"';

/**
 * The session key of a processed.tracks row `p` (alias), compared bytewise: the tracker's session
 * id, else the inactivity session of its user key that started last at or before it.
 */
export function sessionKeySql(p = 'p'): string {
  return `coalesce(${p}.session_id ${C}, (
    SELECT c.session_key FROM cooked.sessions AS c
    WHERE c.user_key = ${p}.user_key AND c.session_number IS NOT NULL AND c.started_at <= ${p}.${TS}
    ORDER BY c.started_at DESC
    LIMIT 1
  ) ${C})`;
}
