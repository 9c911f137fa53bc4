import { toPlanDocument } from '@tributary/schema';
import { compileExperiment, funnelCatalogOf } from '@tributary/sql';
import fs from 'node:fs';
import plan from '../examples/mobile-game/src/plan.ts';
const document = toPlanDocument(plan);
const c = compileExperiment({
  key: 'bench-exp', variants: ['control', 'treatment'], exposureEvent: 'experiment_viewed',
  metrics: [{ kind: 'funnel', steps: [{ event: 'app_install' }, { event: 'level_up' }, { event: 'level_up', where: { level: { gte: 5 } } }, { event: 'level_up', where: { level: { gte: 10 } } }, { event: 'purchase' }], window: '7d' },
   { kind: 'conversion', event: 'purchase', withinDays: 7 }, { kind: 'revenue', withinDays: 7 }, { kind: 'retention', day: 1 }, { kind: 'sessions', withinDays: 7 }] as any,
} as any, { from: '2026-03-01', to: '2026-03-14' }, funnelCatalogOf(document));
c.metrics.forEach((m, i) => { fs.writeFileSync(`/tmp/x/m${i}.sql`, m.sql); fs.writeFileSync(`/tmp/x/m${i}.json`, JSON.stringify(m.parameters)); });
fs.writeFileSync('/tmp/x/assign.sql', c.assignment.sql); fs.writeFileSync('/tmp/x/assign.json', JSON.stringify(c.assignment.parameters));
