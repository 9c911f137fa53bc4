import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's nats-server (the package `.ci/run` installs). */
export const NATS_SERVER_BINARY = process.env.NATS_SERVER_BINARY ?? '/usr/sbin/nats-server';

/** True when the nats-server binary is there. */
export function natsServerAvailable(): boolean {
  return existsSync(NATS_SERVER_BINARY);
}

/** One node of a test cluster: a nats-server process this test started. */
export interface ClusterNode {
  readonly name: string;
  readonly url: string;
  readonly running: boolean;
  /** SIGKILL: no shutdown, as a crashed machine. */
  kill(): Promise<void>;
  /** Starts the node again on the same ports and store directory. */
  restart(): void;
}

/** A JetStream cluster of nats-server processes on loopback ports, with its own temp directory. */
export interface NatsCluster {
  readonly servers: readonly string[];
  readonly nodes: readonly ClusterNode[];
  readonly dir: string;
  /** Stops every process (SIGTERM, then SIGKILL) and deletes the temp directory. */
  stop(): Promise<void>;
}

/**
 * Starts `size` nats-server processes with JetStream (`-js -sd <tmp>/<name>`), clustered through
 * routes on loopback ports (`--cluster_name`, `--cluster`, `--routes`). Logs go to `<tmp>/<name>.log`.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-nats-cluster-'));
  const ports = await freePorts(size * 2);
  const clusterName = `tributary_test_${process.pid}`;
  const specs = Array.from({ length: size }, (_, i) => ({
    name: `n${i + 1}`,
    port: ports[i * 2] as number,
    clusterPort: ports[i * 2 + 1] as number,
  }));
  const processes = new Map<string, ChildProcess>();
  const launch = (spec: (typeof specs)[number]) => {
    const routes = specs
      .filter((other) => other !== spec)
      .map((other) => `nats://127.0.0.1:${other.clusterPort}`)
      .join(',');
    const child = spawn(
      NATS_SERVER_BINARY,
      [
        '-a',
        '127.0.0.1',
        '-p',
        String(spec.port),
        '-n',
        spec.name,
        '-js',
        '-sd',
        join(dir, spec.name),
        '--cluster_name',
        clusterName,
        '--cluster',
        `nats://127.0.0.1:${spec.clusterPort}`,
        '--routes',
        routes,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = createWriteStream(join(dir, `${spec.name}.log`), { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    processes.set(spec.name, child);
  };
  for (const spec of specs) launch(spec);
  const killAll = () => {
    for (const child of processes.values()) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nodes: ClusterNode[] = specs.map((spec) => ({
    name: spec.name,
    url: `nats://127.0.0.1:${spec.port}`,
    get running() {
      const child = processes.get(spec.name);
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async kill() {
      const child = processes.get(spec.name);
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    restart() {
      launch(spec);
    },
  }));
  return {
    servers: nodes.map((node) => node.url),
    nodes,
    dir,
    async stop() {
      for (const child of processes.values())
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([
        Promise.all([...processes.values()].map(exited)),
        new Promise((resolve) => setTimeout(resolve, 5000)),
      ]);
      killAll();
      await Promise.all([...processes.values()].map(exited));
      process.off('exit', killAll);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Free loopback TCP ports (bound to port 0, then released). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
