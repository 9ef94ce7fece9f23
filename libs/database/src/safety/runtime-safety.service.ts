import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client } from 'pg';
import { WorkerEnv } from '@app/config';
import { assertRuntimeSafety } from './runtime-safety.check';

/** Refuses to start the app when the runtime role could read across tenants. */
@Injectable()
export class RuntimeSafetyCheck implements OnModuleInit {
  constructor(private readonly config: ConfigService<WorkerEnv, true>) {}

  async onModuleInit(): Promise<void> {
    const client = new Client({ connectionString: this.config.get('DATABASE_URL', { infer: true }) });
    await client.connect();
    try {
      await assertRuntimeSafety(client);
    } finally {
      await client.end();
    }
  }
}
