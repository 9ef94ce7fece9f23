import { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WorkerEnv } from '@app/config';
import { MessageAuthenticator, queueNames, signingKey } from '@app/messaging';
import { DEAD_LETTER_QUEUE } from './worker.tokens';

type Config = ConfigService<WorkerEnv, true>;

export const messageSecurityProviders: Provider[] = [
  {
    provide: MessageAuthenticator,
    inject: [ConfigService],
    useFactory: (config: Config) => {
      const previous = config.get('MESSAGE_SIGNING_KEY_PREVIOUS', { infer: true });
      const keys = [config.get('MESSAGE_SIGNING_KEY', { infer: true }), ...(previous ? [previous] : [])];
      return new MessageAuthenticator({
        keys: keys.map(signingKey),
        maxAgeMs: config.get('MESSAGE_MAX_AGE_MS', { infer: true }),
      });
    },
  },
  {
    provide: DEAD_LETTER_QUEUE,
    inject: [ConfigService],
    useFactory: (config: Config) =>
      queueNames(config.get('QUEUE_PREFIX', { infer: true })).projectsDeadLetter,
  },
];
