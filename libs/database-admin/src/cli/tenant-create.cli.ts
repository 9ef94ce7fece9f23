// npm run tenant:create -- --name "Acme": creates a tenant as the owner role and prints
// {"tenantId","name","token"} on one line, the token being a first user's access token.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { hs256Key, signAccessToken } from '@app/auth';
import { adminEnvSchema, parseEnv } from '@app/config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      email: { type: 'string', default: 'admin@example.com' },
      ttl: { type: 'string', default: '24h' },
    },
  });
  const name = values.name?.trim();
  if (!name || name.length > 200)
    throw new Error('usage: npm run tenant:create -- --name "Acme" (1-200 characters)');
  const env = parseEnv(adminEnvSchema, process.env);
  const client = new Client({ connectionString: env.DATABASE_ADMIN_URL });
  await client.connect();
  try {
    const tenantId = randomUUID();
    await client.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, name]);
    const token = signAccessToken(
      { tenantId, sub: 'admin', email: values.email, ttl: values.ttl },
      hs256Key(env.JWT_SECRET),
    );
    console.log(JSON.stringify({ tenantId, name, token }));
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
