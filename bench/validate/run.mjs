// bench/validate: events per second of Tributary's compiled validators, ajv (compiled from the same
// JSON Schema, with ajv-formats) and zod safeParse, on the same events in one run; prints ratios.
// Runs the built packages: `npm run build` first (see README). Not a timed test.
import os from 'node:os';
import { toPlanDocument, zodSchemaOf } from '@tributary/schema';
import { compileValidators } from '@tributary/validate';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { sampleEvents } from './events.mjs';
import { plan } from './plan.mjs';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

const document = toPlanDocument(plan);
const key = (name, version) => `${name}@${version}`;

function ajvValidators(options) {
  const ajv = new Ajv2020({ strict: false, ...options });
  addFormats(ajv);
  return new Map(
    document.events.map((schema) => [
      key(schema['x-tributary-event'].name, schema['x-tributary-event'].version),
      ajv.compile(schema),
    ]),
  );
}

const tributary = compileValidators(document);
const ajvFirst = ajvValidators({});
const ajvAll = ajvValidators({ allErrors: true });
const zod = new Map(plan.events.map((event) => [key(event.name, event.version), zodSchemaOf(event)]));

/**
 * Each engine: a function from one sample event to its verdict. ajv and zod get their per-version
 * validator resolved before timing (their best case); Tributary looks the event up by name and
 * version inside validateProperties, as the collector calls it.
 */
const engines = {
  tributary: (e) => tributary.validateProperties(e.name, e.version, e.properties).valid,
  'ajv (first error)': (e) => e.ajvFirst(e.properties),
  'ajv (allErrors)': (e) => e.ajvAll(e.properties),
  'zod safeParse': (e) => e.zod.safeParse(e.properties).success,
};

const resolve = (e) => ({
  ...e,
  ajvFirst: ajvFirst.get(key(e.name, e.version)),
  ajvAll: ajvAll.get(key(e.name, e.version)),
  zod: zod.get(key(e.name, e.version)),
});

// Rates use this process's CPU time (process.cpuUsage), not wall time: on a shared machine the
// process is descheduled at times, which would otherwise count as validation time.
function measure(check, events) {
  let valid = 0;
  let done = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  do {
    for (let i = 0; i < events.length; i++) if (check(events[i])) valid++;
    done += events.length;
  } while (performance.now() - started < SLICE_MS);
  const used = process.cpuUsage(cpu);
  const seconds = (used.user + used.system) / 1e6;
  return { perSecond: done / seconds, valid: valid / (done / events.length) };
}

// Other processes share the 2 cores: interference only ever slows a slice down, so the best slice of
// each engine (engines interleaved, many short slices) is the steadiest figure; the median is shown too.
const best = (values) => Math.max(...values);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (n) => Math.round(n).toLocaleString('en-US');

function scenario(title, invalidShare) {
  const events = sampleEvents(plan.events, EVENTS, invalidShare).map(resolve);
  const names = Object.keys(engines);
  const verdicts = names.map((name) => events.filter((e) => engines[name](e)).length);
  for (const name of names) for (let i = 0; i < 3; i++) measure(engines[name], events.slice(0, 500)); // warm-up
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) rates[name].push(measure(engines[name], events).perSecond);
  }
  const ajv = best(rates['ajv (first error)']);
  const ajvMedian = median(rates['ajv (first error)']);
  console.log(
    `\n${title}: ${format(EVENTS)} events, ${Math.round(invalidShare * 100)}% broken; best (median) of ${ROUNDS} interleaved slices of ${SLICE_MS} ms`,
  );
  console.log('engine              events/s (best)  ns/event   vs ajv   (median)  valid');
  names.forEach((name, i) => {
    const rate = best(rates[name]);
    const typical = median(rates[name]);
    console.log(
      `${name.padEnd(18)} ${format(rate).padStart(15)}  ${format(1e9 / rate).padStart(8)}   ${(rate / ajv).toFixed(2).padStart(5)}×   ${(typical / ajvMedian).toFixed(2).padStart(5)}×   ${verdicts[i]}`,
    );
  });
  if (new Set(verdicts).size !== 1) console.log('!! the engines disagree on the number of valid events');
  return best(rates.tributary) / ajv;
}

console.log(
  `bench/validate on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const ratios = [scenario('all valid', 0), scenario('mixed traffic', 0.1)];
const messages = sampleEvents(plan.events, EVENTS, 0.1).map((e) => ({
  type: 'track',
  event: e.name,
  messageId: 'm-1',
  anonymousId: 'anon-1',
  timestamp: '2024-05-01T12:00:00.000Z',
  context: {
    platform: 'ios',
    app_version: '1.2.3',
    eventVersion: e.version,
    library: { name: 'analytics-node', version: '2.3.0' },
  },
  properties: e.properties,
}));
const wholeRates = Array.from(
  { length: ROUNDS },
  () => measure((m) => tributary.validateMessage(m).valid, messages).perSecond,
);
console.log(
  `\ntributary validateMessage (whole Segment message incl. envelope and context, 10% broken): ${format(best(wholeRates))} messages/s (median ${format(median(wholeRates))})`,
);
console.log(
  `\nTarget ≥ 1.00× ajv: ${ratios.every((r) => r >= 1) ? 'met' : 'NOT met'} (${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')})`,
);
