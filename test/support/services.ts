// The shared services a fault test may stop, and start again: always restore what you stopped (in a
// finally, see outage() in fault-stream.ts), and every call is bounded.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

export function pgctl(command: 'stop' | 'start'): void {
  const version = readdirSync('/etc/postgresql')[0];
  const mode = command === 'stop' ? ['-m', 'fast'] : [];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', command, ...mode], {
    stdio: 'ignore',
    timeout: 60_000,
  });
}

export function rabbitmqctl(command: 'stop_app' | 'start_app'): void {
  execFileSync('rabbitmqctl', [command], { stdio: 'ignore', timeout: 60_000 });
}
