import { type PlanDocument, stableStringify } from '@tributary/schema';
import { emitTrackingClient } from '../client/emit-client.js';
import { emitValidatorModule } from '../validator/emit-validator-module.js';
import type { ValidatorOptions } from '../validator/emit-validator-source.js';

/** A generated file: a path relative to the output directory and its exact content. */
export interface CodeArtifact {
  readonly path: string;
  readonly content: string;
}

/** Where each artifact goes, relative to the output directory. */
export const CODE_ARTIFACT_PATHS = {
  client: 'tracking-plan.ts',
  validatorJs: 'validators.js',
  validatorDts: 'validators.d.ts',
  schemasDir: 'schemas',
} as const;

/**
 * Every code artifact of a plan, sorted by path: the typed client (`tracking-plan.ts`), the
 * standalone validator module (`validators.js` + `validators.d.ts`) and one JSON Schema per event
 * version (`schemas/<event>/<version>.json`). Pure and deterministic, so `generate --check` can
 * compare it byte for byte with what is on disk.
 */
export function generateCodeArtifacts(
  document: PlanDocument,
  options: ValidatorOptions = {},
): CodeArtifact[] {
  const validators = emitValidatorModule(document, options);
  const files: CodeArtifact[] = [
    { path: CODE_ARTIFACT_PATHS.client, content: emitTrackingClient(document) },
    { path: CODE_ARTIFACT_PATHS.validatorJs, content: validators.js },
    { path: CODE_ARTIFACT_PATHS.validatorDts, content: validators.dts },
    ...document.events.map((event) => {
      const { name, version } = event['x-tributary-event'];
      return {
        path: `${CODE_ARTIFACT_PATHS.schemasDir}/${name}/${version}.json`,
        content: stableStringify(event),
      };
    }),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A generated file that differs from what is on disk. */
export interface StaleArtifact {
  readonly path: string;
  readonly status: 'missing' | 'stale';
}

/**
 * Compares generated files with what exists; `read` returns a file's content or undefined when it
 * does not exist (inject `fs`, or a map in tests). Returns the files to write, in path order.
 */
export function findStaleArtifacts(
  files: readonly CodeArtifact[],
  read: (path: string) => string | undefined,
): StaleArtifact[] {
  const stale: StaleArtifact[] = [];
  for (const file of files) {
    const current = read(file.path);
    if (current === undefined) stale.push({ path: file.path, status: 'missing' });
    else if (current !== file.content) stale.push({ path: file.path, status: 'stale' });
  }
  return stale;
}
