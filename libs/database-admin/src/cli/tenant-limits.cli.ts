// npm run tenant:limits -- --tenant <uuid> --rps 50 --burst 100: sets a tenant's request budget at
// the gateway, as the owner; `--default` goes back to RATE_LIMIT_RPS and RATE_LIMIT_BURST. Gateways
// keep what they learnt of a tenant's budget for RATE_LIMIT_CACHE_MS, so the change bites within it.
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { adminEnvSchema, MAX_RATE_LIMIT_BURST, parseEnv } from '@app/config';
import { isUuid } from '@app/tenancy';

const USAGE = 'usage: npm run tenant:limits -- --tenant <uuid> (--rps <n> --burst <n> | --default)';

function budget(values: {
  rps?: string;
  burst?: string;
  default?: boolean;
}): [number, number] | [null, null] {
  if (values.default && values.rps === undefined && values.burst === undefined) return [null, null];
  const rps = Number(values.rps);
  const burst = Number(values.burst);
  if (values.default || !(rps > 0) || !Number.isInteger(burst) || burst < 1 || burst > MAX_RATE_LIMIT_BURST) {
    throw new Error(
      `${USAGE}\n  --rps: requests a second on average (> 0); --burst: at most at once (1-${MAX_RATE_LIMIT_BURST})`,
    );
  }
  return [rps, burst];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      rps: { type: 'string' },
      burst: { type: 'string' },
      default: { type: 'boolean' },
    },
  });
  if (!isUuid(values.tenant)) throw new Error(USAGE);
  const [rps, burst] = budget(values);
  const env = parseEnv(adminEnvSchema, process.env);
  const client = new Client({ connectionString: env.DATABASE_ADMIN_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      'UPDATE tenants SET rate_limit_rps = $2, rate_limit_burst = $3, updated_at = now() WHERE id = $1',
      [values.tenant, rps, burst],
    );
    if (rowCount === 0) throw new Error(`no tenant ${values.tenant}`);
    console.log(JSON.stringify({ tenantId: values.tenant, rps, burst }));
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
