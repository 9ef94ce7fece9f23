import { defineConfig } from 'prisma/config';

// Prisma's own commands (migrate status/deploy, studio) run as the owner role; the apps never do.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/tenantry',
  },
});
