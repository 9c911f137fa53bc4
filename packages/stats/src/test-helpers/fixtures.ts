import { readFileSync } from 'node:fs';

/** Reads a JSON file written by fixtures/generate.R. */
export function readFixture<T>(name: string): T {
  const url = new URL(`../../fixtures/generated/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}
