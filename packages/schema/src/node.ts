/**
 * `@tributary/schema/node`: the parts of the schema package that need Node's file system.
 * Kept out of the main entry so that everything `@tributary/schema` exports bundles for the
 * browser (the browser tracker imports it) without any `node:` built-in.
 */
export { type LoadJsonSchemaPlanOptions, loadJsonSchemaPlan } from './load-json-schema-plan.js';
