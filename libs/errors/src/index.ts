export * from './domain.error';
export * from './tenant-context-missing.error';
