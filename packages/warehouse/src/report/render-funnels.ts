import type { FunnelStepResult } from '@tributary/sql';
import type { ReportFunnel } from './funnel-data.js';
import { escapeHtml } from './html-text.js';
import { formatCount, formatDuration, formatShare } from './report-format.js';
import { funnelBarsSvg, histogramSvg } from './svg-charts.js';

/** The caption beside a step's bar: `612 · 41.1% of step 1 · 62.0% of previous · 375 dropped`. */
export function funnelBarCaption(step: FunnelStepResult): string {
  if (step.step === 1) return `${formatCount(step.count)} entered`;
  return [
    formatCount(step.count),
    `${formatShare(step.conversionFromFirst)} of step 1`,
    `${formatShare(step.conversionFromPrevious)} of previous`,
    `${formatCount(step.dropOff)} dropped`,
  ].join(' · ');
}

const ORDER_TEXT = {
  ordered: 'in order (other events may come between)',
  strict: 'in strict order (each step the next event)',
  any: 'in any order',
} as const;

function stepsTable(labels: readonly string[], steps: readonly FunnelStepResult[]): string {
  const rows = steps.map(
    (s) =>
      `<tr data-step="${s.step}"><th scope="row">${s.step}. ${escapeHtml(labels[s.step - 1] ?? s.event)}</th>` +
      `<td data-field="count">${formatCount(s.count)}</td>` +
      `<td data-field="conversionFromFirst">${formatShare(s.conversionFromFirst)}</td>` +
      `<td data-field="conversionFromPrevious">${s.step === 1 ? '' : formatShare(s.conversionFromPrevious)}</td>` +
      `<td data-field="dropOff">${s.step === 1 ? '' : formatCount(s.dropOff)}</td>` +
      `<td data-field="medianSecondsFromPrevious">${s.step === 1 ? '' : formatDuration(s.medianSecondsFromPrevious)}</td>` +
      `<td data-field="p90SecondsFromPrevious">${s.step === 1 ? '' : formatDuration(s.p90SecondsFromPrevious)}</td></tr>`,
  );
  return `<table class="figures" data-table="funnel-steps"><thead><tr><th scope="col">Step</th><th scope="col">Count</th><th scope="col">Conversion from step 1</th><th scope="col">from previous</th><th scope="col">Drop-off</th><th scope="col">Median time from previous</th><th scope="col">p90</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function histograms(funnel: ReportFunnel, timeToConvert: readonly (readonly number[])[] | null): string {
  if (!funnel.buckets || !timeToConvert)
    return '<p class="note">Any-order funnels have no time between steps, so no time-to-convert histogram.</p>';
  const buckets = funnel.buckets;
  const figures = timeToConvert.map((units, i) => {
    const step = i + 2;
    const caption = `Step ${step}: ${funnel.steps[i + 1]} — time from step ${step - 1}`;
    return `<figure data-histogram-step="${step}"><figcaption>${escapeHtml(caption)}</figcaption>
${histogramSvg(buckets, units, caption)}</figure>`;
  });
  return `<h4>Time to convert (units per bucket; each unit's first arrival at the step)</h4>
<div class="histograms">
${figures.join('\n')}
</div>`;
}

/**
 * The funnels section: per funnel and breakdown value, bars per step (count, drop-off,
 * conversion from step 1 and from the previous step), the step table with median and p90 times,
 * and a time-to-convert histogram per step after the first.
 */
export function funnelSection(funnels: readonly ReportFunnel[]): string {
  const sections = funnels.map((funnel, index) => {
    const groups = funnel.groups.map((group) => {
      const bars = group.steps.map((s) => ({
        step: s.step,
        label: `${s.step}. ${funnel.steps[s.step - 1] ?? s.event}`,
        count: s.count,
        dropOff: s.dropOff,
        caption: funnelBarCaption(s),
      }));
      const heading =
        funnel.breakdown === null
          ? ''
          : `<h4>${escapeHtml(`${funnel.breakdown} = ${group.breakdown}`)}</h4>\n`;
      return `<div class="funnel-group" data-breakdown="${escapeHtml(group.breakdown ?? '')}">
${heading}${funnelBarsSvg(bars)}
${stepsTable(funnel.steps, group.steps)}
${histograms(funnel, group.timeToConvert)}
</div>`;
    });
    const by = funnel.breakdown === null ? '' : `, by ${escapeHtml(funnel.breakdown)} at step 1`;
    return `<section class="funnel" data-funnel="${index}">
<h3>${escapeHtml(funnel.title)}</h3>
<p class="note">Counting ${funnel.countBy} that did the steps ${ORDER_TEXT[funnel.order]} within ${escapeHtml(funnel.window)} of step 1, with step 1 on the report's days${by}.</p>
${groups.length > 0 ? groups.join('\n') : '<p class="note">No unit did step 1 on the report\'s days.</p>'}
</section>`;
  });
  return `<h2>Funnels</h2>
${sections.join('\n')}`;
}
