export * from './tenant-context';
export * from './tenant-context.service';
export * from './tenancy.module';
