export * from './projects.service';
export * from './projects.module';
export * from './project-cursor';
