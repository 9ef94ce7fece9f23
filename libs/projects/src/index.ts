export { ProjectsModule } from './projects.module';
export { ProjectsService } from './projects.service';
export { ProjectsRepository } from './projects.repository';
export { ProjectPattern } from './projects.contract';
export type { ProjectPage, ProjectView } from './projects.contract';
