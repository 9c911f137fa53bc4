import type { LibraryInfo } from './message.js';

/** `context.library` of every message; a test keeps the version equal to package.json. */
export const LIBRARY: LibraryInfo = Object.freeze({ name: '@tributary/tracker', version: '0.0.0' });
