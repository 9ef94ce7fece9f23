export { ResourceModule } from './resource-module';
export type { ResourceParts, WorkerParts } from './resource-module';
