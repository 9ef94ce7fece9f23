import { z } from 'zod';

export const DEV_JWT_SECRET = 'tenantry-development-only-secret-do-not-use-in-production';
export const DEV_MESSAGE_SIGNING_KEY = 'tenantry-development-only-message-key-do-not-use-in-production';

const DEVELOPMENT_KEYS: readonly string[] = [DEV_JWT_SECRET, DEV_MESSAGE_SIGNING_KEY];
const MIN_SECRET_BYTES = 32;

// Any name is accepted (staging, preview, …); only development and test, or NODE_ENV unset, may run
// on the public development keys. Anything else is treated like production.
const DEVELOPMENT_ENVS: readonly string[] = ['development', 'test'];

export interface SecretRule {
  name: string;
  devDefault?: string;
  optional?: boolean;
}

/** True unless NODE_ENV is development or test: real keys and an https identity provider required. */
export function isDeployed(env: { NODE_ENV: string }): boolean {
  return !DEVELOPMENT_ENVS.includes(env.NODE_ENV);
}

/**
 * Secrets fall back to a development value when NODE_ENV is development or test (or unset); with any
 * other NODE_ENV they must be set, hold at least 32 bytes and be none of the development keys.
 */
export function resolveSecret(
  env: { NODE_ENV: string },
  rule: SecretRule,
  ctx: z.RefinementCtx,
): string | undefined {
  const deployed = isDeployed(env);
  const given = (env as Record<string, unknown>)[rule.name] as string | undefined;
  const secret = given ?? (deployed ? undefined : rule.devDefault);
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: [rule.name], message });
  if (secret === undefined) {
    if (!rule.optional) issue(`is required when NODE_ENV=${env.NODE_ENV}`);
  } else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    issue(`must be at least ${MIN_SECRET_BYTES} bytes`);
  } else if (deployed && DEVELOPMENT_KEYS.includes(secret)) {
    // Any of them, for any secret: a previous signing key set to a public one is as open.
    issue(`must not be the development secret when NODE_ENV=${env.NODE_ENV}`);
  }
  return secret;
}

/**
 * The warning an app logs at start-up when it runs on a public development key, which anyone can
 * use to mint tokens or sign commands; undefined when it does not.
 */
export function developmentKeysWarning(keys: {
  JWT_SECRET?: string;
  MESSAGE_SIGNING_KEY?: string;
}): string | undefined {
  const names = [
    ...(keys.JWT_SECRET === DEV_JWT_SECRET ? ['JWT_SECRET'] : []),
    ...(keys.MESSAGE_SIGNING_KEY === DEV_MESSAGE_SIGNING_KEY ? ['MESSAGE_SIGNING_KEY'] : []),
  ];
  if (names.length === 0) return undefined;
  return `${names.join(' and ')} not set: using the public development ${names.length > 1 ? 'keys' : 'key'}. Never do this outside development and test.`;
}
