// npm run tenant:suspend|tenant:activate -- --tenant <uuid>: switches a tenant's status as the owner.
// Workers cache the status for TENANT_STATUS_TTL_MS, so the change bites within that delay.
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { adminEnvSchema, parseEnv } from '@app/config';
import { isUuid } from '@app/tenancy';

const STATUS_BY_ACTION = { suspend: 'suspended', activate: 'active' } as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { tenant: { type: 'string' } },
    allowPositionals: true,
  });
  const action = positionals[0];
  if ((action !== 'suspend' && action !== 'activate') || !isUuid(values.tenant)) {
    throw new Error('usage: npm run tenant:suspend -- --tenant <uuid>  (or tenant:activate)');
  }
  const env = parseEnv(adminEnvSchema, process.env);
  const client = new Client({ connectionString: env.DATABASE_ADMIN_URL });
  await client.connect();
  try {
    const status = STATUS_BY_ACTION[action];
    const { rowCount } = await client.query(
      'UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1',
      [values.tenant, status],
    );
    if (rowCount === 0) throw new Error(`no tenant ${values.tenant}`);
    console.log(JSON.stringify({ tenantId: values.tenant, status }));
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
