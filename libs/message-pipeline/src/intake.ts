import { EventEmitter } from 'node:events';

/**
 * Whether this process takes new messages. Closed while the database is unreachable, so that the
 * worker does not burn every message's retries against a database that is not there. One per
 * process, like inFlight: the pipeline (a Nest provider) closes it, the transport (CommandServer)
 * stops consuming.
 */
class Intake extends EventEmitter {
  private closedFor?: string;

  get isOpen(): boolean {
    return this.closedFor === undefined;
  }

  close(reason: string): void {
    if (!this.isOpen) return;
    this.closedFor = reason;
    this.emit('change');
  }

  open(): void {
    if (this.isOpen) return;
    this.closedFor = undefined;
    this.emit('change');
  }
}

export const intake = new Intake();
