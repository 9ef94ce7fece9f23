import { DEV_JWT_SECRET, DEV_MESSAGE_SIGNING_KEY, developmentKeysWarning } from './secrets';

const PRODUCTION_SECRET = 'a-production-secret-of-at-least-32-bytes!';
const PRODUCTION_MESSAGE_KEY = 'a-production-message-key-of-at-least-32-bytes!';

describe(developmentKeysWarning.name, () => {
  it('should name every development key in use', () => {
    expect(
      developmentKeysWarning({ JWT_SECRET: DEV_JWT_SECRET, MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY }),
    ).toBe(
      'JWT_SECRET and MESSAGE_SIGNING_KEY not set: using the public development keys. Never do this outside development and test.',
    );
    expect(developmentKeysWarning({ MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY })).toMatch(
      /^MESSAGE_SIGNING_KEY not set: using the public development key\./,
    );
  });

  it('should say nothing when real keys are set', () => {
    expect(
      developmentKeysWarning({
        JWT_SECRET: PRODUCTION_SECRET,
        MESSAGE_SIGNING_KEY: PRODUCTION_MESSAGE_KEY,
      }),
    ).toBeUndefined();
    // A gateway on an identity provider has no JWT_SECRET at all.
    expect(
      developmentKeysWarning({ JWT_SECRET: '', MESSAGE_SIGNING_KEY: PRODUCTION_MESSAGE_KEY }),
    ).toBeUndefined();
  });
});
