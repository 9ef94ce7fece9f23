import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ClientRMQ } from '@nestjs/microservices';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Subscription } from 'rxjs';
import { COMMAND_TRANSPORT } from '@app/command-client';

/** Up while the gateway's broker connection is; read from the client's own status stream. */
@Injectable()
export class BrokerHealthIndicator implements OnApplicationBootstrap, OnModuleDestroy {
  private connected = false;
  private subscription?: Subscription;

  constructor(
    @Inject(COMMAND_TRANSPORT) private readonly client: ClientRMQ,
    private readonly health: HealthIndicatorService,
  ) {}

  onApplicationBootstrap(): void {
    // RmqStatus is a const enum, which per-file compilers (swc) cannot inline: compare strings.
    this.subscription = this.client.status.subscribe((status: string) => {
      this.connected = status === 'connected' || status === 'unblocked';
    });
    // Connect now rather than on the first request, so /health tells the truth from the start.
    this.client.connect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  check() {
    const indicator = this.health.check('broker');
    return this.connected ? indicator.up() : indicator.down({ message: 'not connected to RabbitMQ' });
  }
}
