import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseProbe } from '@app/database';
import { intake } from './intake';

const FIRST_PROBE_MS = 250;
const MAX_PROBE_MS = 5_000;

/**
 * Closes the intake when a message finds the database unreachable, probes it with backoff, and opens
 * the intake again once it answers. The message that noticed is retried as usual; those behind it
 * wait in the queue instead of each spending its retries against a database that is not there.
 */
@Injectable()
export class DatabaseWatch implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private watching = false;
  private stopped = false;

  constructor(private readonly probe: DatabaseProbe) {}

  unreachable(cause: string): void {
    if (this.watching || this.stopped) return;
    this.watching = true;
    this.logger.warn(`Unreachable (${cause}): taking no new messages until it answers`);
    intake.close('database unreachable');
    void this.probeUntilAnswered();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async probeUntilAnswered(): Promise<void> {
    const since = Date.now();
    for (let delayMs = FIRST_PROBE_MS; !this.stopped; delayMs = Math.min(delayMs * 2, MAX_PROBE_MS)) {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        await this.probe.ping(MAX_PROBE_MS);
        this.logger.log(`Answers again after ${Date.now() - since} ms: taking messages`);
        break;
      } catch {
        // Still down: wait longer.
      }
    }
    this.watching = false;
    intake.open();
  }
}
