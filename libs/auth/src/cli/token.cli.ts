// npm run token -- --tenant <uuid> [--sub <id>] [--email <e>] [--ttl 1h]: prints a signed access token.
import { parseArgs } from 'node:util';
import { adminEnvSchema, parseEnv } from '@app/config';
import { signAccessToken } from '../access-token';
import { hs256Key } from '../jwt-key';

function main(): void {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      sub: { type: 'string', default: 'admin' },
      email: { type: 'string', default: 'admin@example.com' },
      ttl: { type: 'string', default: '1h' },
    },
  });
  if (!values.tenant)
    throw new Error('usage: npm run token -- --tenant <uuid> [--sub <id>] [--email <e>] [--ttl 1h]');
  const env = parseEnv(adminEnvSchema, process.env);
  const token = signAccessToken(
    { tenantId: values.tenant, sub: values.sub, email: values.email, ttl: values.ttl },
    hs256Key(env.JWT_SECRET),
  );
  console.log(token);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
