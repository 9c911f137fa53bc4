import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { type Plan, type PlanDocument, toPlanDocument } from '@tributary/schema';
import { findStaleArtifacts, generateCodeArtifacts } from '@tributary/validate';
import { generateKyselyTypes, planToWarehouse } from '@tributary/sql';
import {
  compareTypesWithDatabase,
  connect,
  generateMigration,
  planMigrationFiles,
} from '@tributary/warehouse';
import { type Command, EXIT } from '../command.js';
import {
  configuredDir,
  type DatabaseTarget,
  DEFAULT_MIGRATIONS_DIR,
  resolveDatabaseTarget,
} from '../config.js';
import { loadPlanModule } from '../load-plan.js';
import { parseArgs } from '../parse-args.js';

/** What every artifact producer gets. */
export interface ArtifactContext {
  readonly plan: Plan;
  readonly document: PlanDocument;
  readonly cwd: string;
  /** Migrations directory (`--out`). */
  readonly migrationsDir: string;
  /** Directory of the typed client, validator module and JSON Schemas (`--code-out`). */
  readonly codeDir: string;
  readonly name: string | undefined;
  readonly allowDestructive: boolean;
}

/** A file an artifact should have; `generate` writes it, `generate --check` compares it. */
export interface ProducedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * One kind of generated artifact (migrations today; validators and clients later): returns the
 * files that must change, or none when the artifact is up to date.
 */
export interface ArtifactProducer {
  readonly name: string;
  produce(context: ArtifactContext): Promise<readonly ProducedFile[]>;
  /** Writes the files; defaults to writing each one (creating directories). */
  write?(context: ArtifactContext, files: readonly ProducedFile[]): Promise<readonly string[]>;
}

/** The next warehouse migration and the updated snapshot, via @tributary/warehouse. */
export const migrationsProducer: ArtifactProducer = {
  name: 'migrations',
  async produce(context) {
    return planMigrationFiles(migrationOptions(context))?.files ?? [];
  },
  async write(context) {
    return (await generateMigration(migrationOptions(context))).written;
  },
};

function migrationOptions(context: ArtifactContext) {
  return {
    document: context.document,
    dir: context.migrationsDir,
    allowDestructive: context.allowDestructive,
    ...(context.name !== undefined ? { name: context.name } : {}),
  };
}

/** Where `tributary generate` writes the typed client, the validator module and the JSON Schemas. */
export const DEFAULT_CODE_DIR = 'generated';

/** tracking-plan.ts, validators.js + .d.ts and schemas/<event>/<version>.json, via @tributary/validate. */
export const codeProducer: ArtifactProducer = {
  name: 'code',
  async produce(context) {
    const files = generateCodeArtifacts(context.document).map((file) => ({
      path: join(context.codeDir, file.path),
      content: file.content,
    }));
    const stale = new Set(
      findStaleArtifacts(files, (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined)).map(
        (s) => s.path,
      ),
    );
    return files.filter((file) => stale.has(file.path));
  },
};

/** database.ts: the Kysely `Database` interface of the raw, processed and cooked tables, via @tributary/sql. */
export const databaseTypesProducer: ArtifactProducer = {
  name: 'database types',
  async produce(context) {
    const file = {
      path: join(context.codeDir, 'database.ts'),
      content: generateKyselyTypes(planToWarehouse(context.document), context.document),
    };
    return existsSync(file.path) && readFileSync(file.path, 'utf8') === file.content ? [] : [file];
  },
};

/** Every producer `tributary generate` runs, in order. */
export const artifactProducers: readonly ArtifactProducer[] = [
  migrationsProducer,
  codeProducer,
  databaseTypesProducer,
];

/**
 * With `--check`, the generated database types are also compared with the live database when one
 * is configured (a URL, or an embedded data directory that exists).
 */
async function databaseDifferences(
  target: DatabaseTarget,
  document: PlanDocument,
): Promise<string[] | undefined> {
  if (target.kind === 'embedded' && !existsSync(target.dataDir)) return undefined;
  const db =
    target.kind === 'url' ? await connect(target.url) : await connect(undefined, { dataDir: target.dataDir });
  try {
    const differences = await compareTypesWithDatabase(db, planToWarehouse(document), document);
    return differences.map((d) => `database ${d.message}`);
  } finally {
    await db.close();
  }
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate artifacts from the plan (migrations, typed client, validators, JSON Schemas)',
  help: `Usage: tributary generate --plan <file> [--out <dir>] [--name <slug>] [--code-out <dir>] [--allow-destructive] [--check]

Generates what the plan implies: the next warehouse migration NNNN_<slug>.sql in the
migrations directory, plus its snapshot.json (the warehouse model the migrations produce); and,
in the code directory, database.ts (Kysely types of the warehouse tables, for connect<Database>()),
the typed client tracking-plan.ts, the standalone validator module
validators.js + validators.d.ts and one JSON Schema per event version (schemas/<event>/<n>.json).
Nothing is written when the plan did not change.

Options:
  --plan <file>         the plan module (default export or "plan" from definePlan)
  --out <dir>           migrations directory (default: ${DEFAULT_MIGRATIONS_DIR})
  --name <slug>         name of the new migration (default: derived from the changes)
  --code-out <dir>      typed client, validators and JSON Schemas (default: ${DEFAULT_CODE_DIR})
  --allow-destructive   allow drops, narrowing and type changes (refused otherwise)
  --check               write nothing; list missing or stale files and exit 1 if there are any
                        (use in CI to make sure generated files are committed). When a database is
                        configured (--database-url, DATABASE_URL, or an existing embedded data dir), also
                        compare the generated database types with it: columns on one side only, type
                        or nullability mismatches
  --database-url <url>  the database --check compares with
  --files-only          with --check: compare files only, not the database

Examples:
  tributary generate --plan ./dist/plan.js
  tributary generate --plan ./dist/plan.js --name add_purchase
  tributary generate --plan ./dist/plan.js --check
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('generate', args, {
      plan: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      'code-out': { type: 'string' },
      'allow-destructive': { type: 'boolean' },
      check: { type: 'boolean' },
      'database-url': { type: 'string' },
      'files-only': { type: 'boolean' },
    });
    if (positionals.length > 0) {
      io.stderr(
        `tributary generate: unexpected argument "${positionals[0]}". Pass the plan with --plan <file>.\n`,
      );
      return EXIT.usage;
    }
    const plan = await loadPlanModule(options.plan as string | undefined, io);
    const context: ArtifactContext = {
      plan,
      document: toPlanDocument(plan),
      cwd: io.cwd,
      migrationsDir: configuredDir(
        options.out as string | undefined,
        io.config?.config.migrationsDir,
        DEFAULT_MIGRATIONS_DIR,
        io.cwd,
        io.config,
      ),
      codeDir: configuredDir(
        options['code-out'] as string | undefined,
        io.config?.config.generatedDir,
        DEFAULT_CODE_DIR,
        io.cwd,
        io.config,
      ),
      name: options.name as string | undefined,
      allowDestructive: options['allow-destructive'] === true,
    };
    const show = (path: string) => relative(io.cwd, path) || path;

    if (options.check === true) {
      const problems: string[] = [];
      for (const producer of artifactProducers) {
        for (const file of await producer.produce(context)) {
          if (!existsSync(file.path)) problems.push(`missing  ${show(file.path)}  (${producer.name})`);
          else if (readFileSync(file.path, 'utf8') !== file.content)
            problems.push(`stale    ${show(file.path)}  (${producer.name})`);
        }
      }
      if (options['files-only'] !== true) {
        const target = resolveDatabaseTarget(
          options['database-url'] as string | undefined,
          io.env,
          io.cwd,
          io.config,
        );
        const differences = await databaseDifferences(target, context.document);
        if (differences !== undefined) problems.push(...differences);
      }
      if (problems.length === 0) {
        io.stdout('Generated files are up to date.\n');
        return EXIT.ok;
      }
      io.stdout(`${problems.join('\n')}\n`);
      io.stderr(
        `tributary generate --check: ${problems.length} problem(s): generated files missing or stale, or the database differs from the generated types. Run tributary generate and commit the result; run tributary migrate up, or remove columns added by hand.\n`,
      );
      return EXIT.failure;
    }

    let written = 0;
    for (const producer of artifactProducers) {
      const files = await producer.produce(context);
      if (files.length === 0) {
        io.stdout(`${producer.name}: up to date\n`);
        continue;
      }
      const paths = producer.write ? await producer.write(context, files) : writeFiles(files);
      for (const path of paths) io.stdout(`${producer.name}: wrote ${show(path)}\n`);
      written += paths.length;
    }
    io.stdout(
      written === 0 ? 'Nothing to generate: the plan did not change.\n' : `Wrote ${written} file(s).\n`,
    );
    return EXIT.ok;
  },
};

function writeFiles(files: readonly ProducedFile[]): string[] {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
  return files.map((file) => file.path);
}
