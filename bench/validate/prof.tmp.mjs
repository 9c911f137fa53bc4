import { toPlanDocument } from '@tributary/schema';
import { compileValidators } from '@tributary/validate';
import { sampleEvents } from './events.mjs';
import { plan } from './plan.mjs';
const v = compileValidators(toPlanDocument(plan));
const events = sampleEvents(plan.events, 10000, Number(process.env.BROKEN ?? 0));
let ok = 0;
const t = performance.now();
while (performance.now() - t < 3000)
  for (const e of events) if (v.validateProperties(e.name, e.version, e.properties).valid) ok++;
console.log(ok);
