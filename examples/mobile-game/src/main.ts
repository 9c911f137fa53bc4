import { classifyVersions, toPlanDocument } from '@tributary/schema';
import { plan } from './plan.js';

/** The end-to-end demo. Grows with the pipeline: today it shows the plan and how its versions line up. */
export async function runDemo(write: (line: string) => void = console.log): Promise<void> {
  const document = toPlanDocument(plan);
  write(`Tributary demo — plan "${plan.name}": ${document.events.length} event versions`);
  for (const line of classifyVersions(plan)) {
    const step = line.fromPrevious ? ` (${line.fromPrevious.kind} with v${line.event.version - 1})` : '';
    const props = Object.keys(line.event.properties.properties).join(', ');
    write(`  ${line.event.name} v${line.event.version}${step}: ${props}`);
  }
}
