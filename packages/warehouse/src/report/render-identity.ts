import type { IdentityComparison, ReportIdentity } from './identity-data.js';
import { escapeHtml } from './html-text.js';

/** A figure of the identity table as printed: `1488` for counts, `33.0%` for ratios; NULL → `n/a`. */
export function formatComparison(kind: IdentityComparison['kind'], value: number | null): string {
  if (value === null) return 'n/a';
  return kind === 'ratio' ? `${(value * 100).toFixed(1)}%` : String(value);
}

const GRAPH_ROWS: readonly (readonly [keyof ReportIdentity['graph'], string])[] = [
  ['links', 'Links (an id joined to the id it signed in as or was aliased to)'],
  ['conflicts', 'Conflicts (an id later seen with another user id: counted, not merged)'],
  ['loopedIds', 'Ids in alias loops (their person is the loop’s smallest id)'],
  ['selfAliases', 'Aliases of an id to itself (no link)'],
  ['identifiesWithoutUserId', 'Identify messages without a user id (no link)'],
];

/**
 * The identity section: a DAU/MAU chart (drawn by the page script into `[data-chart="identity"]`),
 * the side-by-side table of persons and user keys, and the identity graph's totals.
 */
export function identitySection(identity: ReportIdentity): string {
  const compared = identity.compared
    .map(
      (row) =>
        `<tr data-key="${row.key}"><th scope="row">${escapeHtml(row.label)}</th>` +
        `<td data-identity="stitch">${formatComparison(row.kind, row.persons)}</td>` +
        `<td data-identity="raw">${formatComparison(row.kind, row.userKeys)}</td></tr>`,
    )
    .join('\n');
  const graph = GRAPH_ROWS.map(
    ([key, label]) =>
      `<tr data-key="${key}"><th scope="row">${escapeHtml(label)}</th><td>${identity.graph[key]}</td></tr>`,
  ).join('\n');
  return `<h2>Identity: persons (stitched) and user keys (raw)</h2>
<p class="note">A person is a player with every id they used: the anonymous ids of their devices joined to the user id they signed in as. The sections above count persons; counting each user id and anonymous id on its own (raw) splits a player who played anonymously before signing in, or on two devices, into several users.</p>
<div class="chart" data-chart="identity"></div>
<table class="figures" data-table="identity-compared"><thead><tr><th scope="col"></th><th scope="col">persons (stitched)</th><th scope="col">user keys (raw)</th></tr></thead>
<tbody>
${compared}
</tbody></table>
<h3>Identity graph (the whole warehouse)</h3>
<table class="figures" data-table="identity-graph"><tbody>
${graph}
</tbody></table>`;
}
