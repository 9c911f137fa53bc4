import { resolve } from 'node:path';
import { runDemo } from './demo/run-demo.js';

/** `npm start`: sizes from the environment, everything else fixed so runs are comparable. */
const root = process.env.INIT_CWD ?? process.cwd();
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return value;
};

await runDemo({
  users: number('TRIBUTARY_DEMO_USERS', 1500),
  days: number('TRIBUTARY_DEMO_DAYS', 30),
  seed: number('TRIBUTARY_DEMO_SEED', 42),
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  workDir: resolve(root, '.tributary/demo'),
  reportPath: resolve(root, 'report.html'),
});
