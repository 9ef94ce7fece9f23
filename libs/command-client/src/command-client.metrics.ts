import { Inject, Injectable } from '@nestjs/common';
import { Metrics } from '@app/metrics';
import { COMMAND_CLIENT_OPTIONS, CommandClientOptions } from './command-client.options';
import { CommandClient } from './command.client';

/** The RPCs the gateway waits on, read at scrape time: nothing is counted on the request's path. */
@Injectable()
export class CommandClientMetrics {
  constructor(metrics: Metrics, client: CommandClient, @Inject(COMMAND_CLIENT_OPTIONS) options: CommandClientOptions) {
    metrics.gauge({
      name: 'tenantry_rpc_in_flight',
      help: 'Commands sent to the workers and still waiting for an answer',
      collect() {
        this.set(client.waiting);
      },
    });
    metrics
      .gauge({ name: 'tenantry_rpc_max_in_flight', help: 'RPC_MAX_IN_FLIGHT: past it, the gateway answers 503' })
      .set(options.maxInFlight);
  }
}
