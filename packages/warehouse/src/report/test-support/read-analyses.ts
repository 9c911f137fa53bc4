import type { Page } from 'playwright-core';

/** What the funnel and experiment sections show, read from the page's DOM and drawn SVG. */
export interface ShownAnalyses {
  readonly funnels: readonly {
    readonly title: string;
    readonly groups: readonly {
      readonly breakdown: string;
      readonly bars: readonly {
        readonly step: number;
        readonly count: number;
        readonly dropOff: number;
        readonly label: string;
        readonly caption: string;
        readonly barWidth: number;
        readonly dropWidth: number;
      }[];
      readonly rows: readonly Record<string, string>[];
      readonly histograms: readonly {
        readonly step: number;
        readonly bins: readonly { bucket: string; units: number; text: string; height: number }[];
      }[];
      readonly noHistogram: boolean;
    }[];
  }[];
  readonly experiments: readonly {
    readonly key: string;
    readonly banner: boolean;
    readonly bannerText: string | null;
    readonly warnings: readonly string[];
    readonly variants: readonly string[][];
    readonly metrics: readonly {
      readonly name: string;
      readonly values: readonly string[][];
      readonly comparisons: readonly Record<string, string>[];
      readonly zero: number;
      readonly intervals: readonly {
        readonly kind: string;
        readonly label: string;
        readonly caption: string;
        readonly estimate: number | null;
        readonly lower: number | null;
        readonly upper: number | null;
        readonly x1: number | null;
        readonly x2: number | null;
        readonly cx: number | null;
      }[];
    }[];
  }[];
}

/** Reads the funnel and experiment sections back from an open report page. */
export function readAnalysesFromPage(page: Page): Promise<ShownAnalyses> {
  return page.evaluate(() => {
    const all = (root: ParentNode, selector: string) => [...root.querySelectorAll(selector)];
    const text = (root: ParentNode, selector: string) => root.querySelector(selector)?.textContent ?? '';
    const num = (value: string | null | undefined) =>
      value === null || value === undefined || value === '' ? null : Number(value);
    const box = (root: ParentNode, selector: string) =>
      (root.querySelector(selector) as SVGGraphicsElement | null)?.getBBox() ?? { width: 0, height: 0 };
    // Where the browser drew a mark: the range line's ends and the estimate dot's centre.
    const drawnAt = (g: Element) => {
      const line = (g.querySelector('line.range') as SVGGraphicsElement | null)?.getBBox();
      const dot = (g.querySelector('circle.estimate') as SVGGraphicsElement | null)?.getBBox();
      return {
        x1: line ? line.x : null,
        x2: line ? line.x + line.width : null,
        cx: dot ? dot.x + dot.width / 2 : null,
      };
    };
    const cells = (row: Element) =>
      Object.fromEntries(
        all(row, 'td').map((td) => [td.getAttribute('data-field') ?? '', td.textContent ?? '']),
      );
    const funnels = all(document, 'section.funnel').map((section) => ({
      title: text(section, 'h3'),
      groups: all(section, '.funnel-group').map((group) => ({
        breakdown: group.getAttribute('data-breakdown') ?? '',
        bars: all(group, 'g.funnel-step').map((g) => ({
          step: Number(g.getAttribute('data-step')),
          count: Number(g.getAttribute('data-count')),
          dropOff: Number(g.getAttribute('data-drop-off')),
          label: text(g, 'text.label'),
          caption: text(g, 'text.caption'),
          barWidth: box(g, 'rect.bar').width,
          dropWidth: box(g, 'rect.drop').width,
        })),
        rows: all(group, '[data-table="funnel-steps"] tbody tr').map(cells),
        histograms: all(group, 'figure[data-histogram-step]').map((figure) => ({
          step: Number(figure.getAttribute('data-histogram-step')),
          bins: all(figure, 'g.bin').map((bin) => ({
            bucket: bin.getAttribute('data-bucket') ?? '',
            units: Number(bin.getAttribute('data-units')),
            text: text(bin, 'text.units'),
            height: box(bin, 'rect').height,
          })),
        })),
        noHistogram: (group.textContent ?? '').includes('no time-to-convert histogram'),
      })),
    }));
    const experiments = all(document, 'section.experiment').map((section) => ({
      key: section.getAttribute('data-experiment') ?? '',
      banner: section.querySelector('[data-banner="srm"]') !== null,
      bannerText: section.querySelector('[data-banner="srm"]')?.textContent ?? null,
      warnings: all(section, '[data-list="warnings"] li').map((li) => li.textContent ?? ''),
      variants: all(section, '[data-table="variants"] tbody tr').map((row) => [
        row.getAttribute('data-variant') ?? '',
        ...all(row, 'td').map((td) => td.textContent ?? ''),
      ]),
      metrics: all(section, '.metric').map((metric) => ({
        name: metric.getAttribute('data-metric') ?? '',
        values: all(metric, '[data-table="metric-values"] tbody tr').map((row) => [
          row.getAttribute('data-variant') ?? '',
          ...all(row, 'td').map((td) => td.textContent ?? ''),
        ]),
        // One column per treatment, one row per figure (empty cells are figures it does not have).
        comparisons: all(metric, '[data-table="comparisons"] thead th[data-variant]').map((th) => {
          const variant = th.getAttribute('data-variant') ?? '';
          const figures = all(metric, '[data-table="comparisons"] tbody tr[data-field]').flatMap((row) => {
            const cell = all(row, 'td').find((td) => td.getAttribute('data-variant') === variant);
            return cell?.textContent ? [[row.getAttribute('data-field') ?? '', cell.textContent]] : [];
          });
          return { variant, ...Object.fromEntries(figures) };
        }),
        zero: Number(metric.querySelector('svg[data-chart-kind="intervals"]')?.getAttribute('data-zero')),
        intervals: all(metric, 'g.interval').map((g) => ({
          kind: g.getAttribute('data-kind') ?? '',
          label: text(g, 'text.label'),
          caption: text(g, 'text.caption'),
          estimate: num(g.getAttribute('data-estimate')),
          lower: num(g.getAttribute('data-lower')),
          upper: num(g.getAttribute('data-upper')),
          ...drawnAt(g),
        })),
      })),
    }));
    return { funnels, experiments };
  });
}
