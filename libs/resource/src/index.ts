export { ResourceModule } from './resource-module';
export type { ResourceParts } from './resource-module';
