import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { type Command, EXIT } from '../command.js';
import { CliUsageError } from '../errors.js';
import { cliVersion } from '../main.js';
import { parseArgs } from '../parse-args.js';

const CONFIG = `import { defineConfig, env } from '@tributary/cli';

export default defineConfig({
  // The tracking plan: every event your product sends, typed.
  plan: './src/tracking-plan.ts',
  // PostgreSQL when DATABASE_URL is set; otherwise an embedded database in .tributary/data.
  migrationsDir: 'migrations',
  generatedDir: 'src/generated',
  collector: {
    port: 8787,
    sources: [{ name: 'app', writeKey: env('TRIBUTARY_WRITE_KEY', 'dev-write-key-change-me') }],
    adminKey: env('TRIBUTARY_ADMIN_KEY', 'dev-admin-key-change-me'),
  },
});
`;

const PLAN = `import { defineEvent, definePlan } from '@tributary/schema';
import { z } from 'zod';

/** An example event: rename it, add yours, and run \`npm run tributary:generate\`. */
export const signedUp = defineEvent({
  name: 'signed_up',
  version: 1,
  description: 'A visitor created an account.',
  properties: z.object({
    method: z.enum(['email', 'google', 'apple']).describe('How the account was created.'),
    referrer: z.string().max(200).optional(),
  }),
});

export const plan = definePlan({
  name: 'my-product',
  events: [signedUp],
  context: z.object({ platform: z.enum(['web', 'ios', 'android', 'server']) }),
});

export default plan;
`;

const SCRIPTS: Readonly<Record<string, string>> = {
  'tributary:generate': 'tributary generate',
  'tributary:check': 'tributary generate --check',
  'tributary:migrate': 'tributary migrate up',
  'tributary:serve': 'tributary serve',
  'tributary:etl': 'tributary etl',
};

export const initCommand: Command = {
  name: 'init',
  summary: 'add Tributary to an existing npm project (config, example plan, scripts)',
  help: `Usage: tributary init [--force]

Adds Tributary to the npm project in the current directory:
  tributary.config.ts     the config (plan path, database, collector write keys from the environment)
  src/tracking-plan.ts    a plan with one example event
  package.json            scripts tributary:generate, tributary:check, tributary:migrate, tributary:serve,
                          tributary:etl, and the @tributary/* and zod dependencies
Then: npm install && npm run tributary:generate && npm run tributary:migrate

Options:
  --force  overwrite an existing tributary.config.ts or src/tracking-plan.ts

Examples:
  npm init -y && npx tributary init
`,
  async run(args, io) {
    const { options } = parseArgs('init', args, { force: { type: 'boolean' } });
    const pkgPath = join(io.cwd, 'package.json');
    if (!existsSync(pkgPath)) {
      throw new CliUsageError(
        `tributary init: no package.json in ${io.cwd}. Run it in an npm project (npm init -y first).`,
      );
    }
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new CliUsageError(
        `tributary init: ${pkgPath} is not valid JSON (${(error as Error).message}). Fix it and run init again.`,
      );
    }
    const files: [string, string][] = [
      ['tributary.config.ts', CONFIG],
      ['src/tracking-plan.ts', PLAN],
    ];
    for (const [file] of files) {
      if (existsSync(join(io.cwd, file)) && !options.force) {
        throw new CliUsageError(
          `tributary init: ${file} already exists. Keep it, or run tributary init --force to overwrite it.`,
        );
      }
    }
    for (const [file, content] of files) {
      const path = join(io.cwd, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      io.stdout(`  created ${relative(io.cwd, path)}\n`);
    }
    const version = `^${cliVersion()}`;
    const scripts = { ...(pkg.scripts as Record<string, string> | undefined) };
    for (const [name, script] of Object.entries(SCRIPTS)) scripts[name] ??= script;
    pkg.scripts = scripts;
    pkg.type ??= 'module';
    pkg.dependencies = {
      ...(pkg.dependencies as Record<string, string> | undefined),
      '@tributary/schema': version,
      '@tributary/tracker': version,
      zod: '^4.1.0',
    };
    pkg.devDependencies = {
      ...(pkg.devDependencies as Record<string, string> | undefined),
      '@tributary/cli': version,
    };
    writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
    io.stdout('  updated package.json (scripts and dependencies)\n');
    const gitignore = join(io.cwd, '.gitignore');
    const ignored = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
    if (!ignored.split('\n').includes('.tributary/'))
      writeFileSync(gitignore, `${ignored}${ignored && !ignored.endsWith('\n') ? '\n' : ''}.tributary/\n`);
    io.stdout(`
Next:
  npm install
  npm run tributary:generate   # migrations, typed client, validators, JSON Schemas
  npm run tributary:migrate    # apply them (embedded database unless DATABASE_URL is set)
  npm run tributary:serve      # the collector on http://localhost:8787
`);
    return EXIT.ok;
  },
};
