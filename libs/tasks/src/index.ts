export { TasksModule } from './tasks.module';
export { TaskPattern } from './tasks.contract';
export type { TaskPage, TaskView } from './tasks.contract';
