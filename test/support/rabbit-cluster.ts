// A RabbitMQ cluster of three nodes of its own on this machine, for test/cluster: each node with
// its own name, ports, config, data and log directories and an empty plugin list, joined to the
// first. The shared rabbit@localhost is never touched. Every command is bounded, and stop() stops
// every node this started, whatever state it is in.
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for';

const run = promisify(execFile);
const COMMAND_MS = 60_000;

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
}

async function rabbit(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const { stdout } = await run(command, args, { env, timeout: COMMAND_MS, killSignal: 'SIGKILL' });
  return stdout;
}

export class RabbitCluster {
  private started: ClusterNode[] = [];

  private constructor(
    private readonly dir: string,
    readonly nodes: ClusterNode[],
  ) {}

  /** Starts three nodes named `<label>-1..3@localhost` on AMQP ports `basePort`..+2, and clusters them. */
  static async start(label: string, basePort: number): Promise<RabbitCluster> {
    const dir = mkdtempSync(join(tmpdir(), `tenantry-${label}-`));
    const nodes = [1, 2, 3].map((i) => ({
      name: `${label}-${i}@localhost`,
      port: basePort + i - 1,
      url: `amqp://guest:guest@127.0.0.1:${basePort + i - 1}`,
    }));
    const cluster = new RabbitCluster(dir, nodes);
    try {
      for (const [i, node] of nodes.entries()) await cluster.boot(node, basePort + 20_000 + i);
      for (const node of nodes.slice(1)) {
        await rabbit('rabbitmqctl', ['-n', node.name, 'stop_app']);
        await rabbit('rabbitmqctl', ['-n', node.name, 'join_cluster', nodes[0].name]);
        await rabbit('rabbitmqctl', ['-n', node.name, 'start_app']);
        await awaitStartup(node);
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The cluster's members as the first node sees them. */
  async members(): Promise<string[]> {
    const out = await rabbit('rabbitmqctl', [
      '-n',
      this.nodes[0].name,
      'cluster_status',
      '--formatter',
      'json',
    ]);
    return (JSON.parse(out) as { running_nodes: string[] }).running_nodes.sort();
  }

  /** The node each quorum queue of `prefix` has as its leader. */
  async leaders(prefix: string, via: ClusterNode): Promise<Map<string, string>> {
    const out = await rabbit('rabbitmqctl', [
      '-n',
      via.name,
      'list_queues',
      'name',
      'leader',
      '--formatter',
      'json',
    ]);
    const queues = JSON.parse(out) as { name: string; leader: string }[];
    return new Map(queues.filter((q) => q.name.startsWith(prefix)).map((q) => [q.name, q.leader]));
  }

  /** Stops the RabbitMQ application on a node (its Erlang node stays up, as for a restart). */
  async stopApp(node: ClusterNode): Promise<void> {
    await rabbit('rabbitmqctl', ['-n', node.name, 'stop_app']);
  }

  async startApp(node: ClusterNode): Promise<void> {
    await rabbit('rabbitmqctl', ['-n', node.name, 'start_app']);
    await awaitStartup(node);
  }

  /** Stops every node this started (the Erlang node too) and removes their files. */
  async stop(): Promise<void> {
    for (const node of this.started.reverse()) {
      await rabbit('rabbitmqctl', ['-n', node.name, 'stop']).catch(() => undefined);
    }
    this.started = [];
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(node: ClusterNode, distPort: number): Promise<void> {
    const home = join(this.dir, node.name.split('@')[0]);
    for (const sub of ['', 'mnesia', 'log']) mkdirSync(join(home, sub), { recursive: true });
    writeFileSync(join(home, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${node.port}\n`);
    writeFileSync(join(home, 'enabled_plugins'), '[].\n');
    // rabbitmq-server drops to the rabbitmq user when started as root: its files must be that user's.
    const owner = await rabbit('id', ['-u', 'rabbitmq']).then(Number, () => undefined);
    if (process.getuid?.() === 0 && owner !== undefined) {
      for (const path of [
        this.dir,
        home,
        join(home, 'mnesia'),
        join(home, 'log'),
        join(home, 'rabbitmq.conf'),
        join(home, 'enabled_plugins'),
      ]) {
        chownSync(path, owner, owner);
      }
    }
    const env = {
      ...process.env,
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_PORT: String(node.port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_CONFIG_FILE: join(home, 'rabbitmq.conf'),
      RABBITMQ_MNESIA_BASE: join(home, 'mnesia'),
      RABBITMQ_LOG_BASE: join(home, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(home, 'enabled_plugins'),
    };
    await rabbit('rabbitmq-server', ['-detached'], env);
    this.started.push(node);
    await awaitStartup(node);
  }
}

/** Until the node answers and has booted: right after `-detached` it may not be reachable yet. */
async function awaitStartup(node: ClusterNode): Promise<void> {
  await waitFor(
    () =>
      rabbit('rabbitmqctl', ['-n', node.name, 'await_startup', '--timeout', '10']).then(
        () => true,
        () => false,
      ),
    90_000,
    `${node.name} booted`,
  );
}
