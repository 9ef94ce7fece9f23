import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tenantry:is-public';

/** Opts a route out of authentication (health checks). Everything else requires a token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
