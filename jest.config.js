// @nestjs/*, jose (under jwks-rsa) and content-disposition (under @fastify/static, which serves
// Swagger UI) ship ESM only, so they are transformed to CommonJS with the rest; ts-jest cannot load them.
const fs = require('node:fs');

const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const common = {
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose|content-disposition)/)'],
  moduleNameMapper: {
    '^@app/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

const integration = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...common,
      ...integration,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
    },
    // npm run test:cluster only: it boots a RabbitMQ cluster of its own, too heavy for npm test.
    ...(process.env.TENANTRY_CLUSTER
      ? [
          {
            ...common,
            ...integration,
            displayName: 'cluster',
            testMatch: ['<rootDir>/test/cluster/*.spec.ts'],
          },
        ]
      : []),
  ],
};
