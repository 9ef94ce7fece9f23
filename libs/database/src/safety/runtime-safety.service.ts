import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DATABASE_OPTIONS, DatabaseOptions } from '../database.options';
import { assertRuntimeSafety } from './runtime-safety.check';

/** Refuses to start the app when the runtime role could read across tenants. */
@Injectable()
export class RuntimeSafetyCheck implements OnModuleInit {
  constructor(@Inject(DATABASE_OPTIONS) private readonly options: DatabaseOptions) {}

  async onModuleInit(): Promise<void> {
    const client = new Client({ connectionString: this.options.url });
    await client.connect();
    try {
      await assertRuntimeSafety(client);
    } finally {
      await client.end();
    }
  }
}
