import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsUUID, ValidateIf } from 'class-validator';
import { PageOf, PageQuery } from '@app/pagination';
import { IsText } from '@app/validation';

/** Message patterns, versioned: a breaking payload change gets a new version, never an edit. */
export const TaskPattern = {
  Create: 'tasks.create.v1',
  List: 'tasks.list.v1',
  Get: 'tasks.get.v1',
  Update: 'tasks.update.v1',
  Delete: 'tasks.delete.v1',
} as const;
export type TaskPattern = (typeof TaskPattern)[keyof typeof TaskPattern];

const TITLE = { min: 1, max: 500, notBlank: true };

/** Path of /projects/:projectId/tasks. */
export class ProjectTasksPath {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId!: string;
}

/** Path of /projects/:projectId/tasks/:taskId, and payload of tasks.get.v1 and tasks.delete.v1. */
export class TaskPath extends ProjectTasksPath {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  taskId!: string;
}

/** Body of POST /projects/:projectId/tasks. */
export class CreateTaskInput {
  @IsText(TITLE)
  title!: string;
}

/** Payload of tasks.create.v1. */
export class CreateTaskPayload extends CreateTaskInput {
  @IsUUID()
  projectId!: string;
}

/** Body of PATCH /projects/:projectId/tasks/:taskId; null is refused, only absence skips. */
export class UpdateTaskInput {
  @ApiPropertyOptional()
  @ValidateIf((_input, value) => value !== undefined)
  @IsText(TITLE)
  title?: string;

  @ApiPropertyOptional()
  @ValidateIf((_input, value) => value !== undefined)
  @IsBoolean()
  done?: boolean;
}

/** Payload of tasks.update.v1. */
export class UpdateTaskPayload extends UpdateTaskInput {
  @IsUUID()
  projectId!: string;

  @IsUUID()
  taskId!: string;
}

/** Query of GET /projects/:projectId/tasks. */
export class ListTasksInput extends PageQuery {}

/** Payload of tasks.list.v1. */
export class ListTasksPayload extends ListTasksInput {
  @IsUUID()
  projectId!: string;
}

/** A task as the API returns it; dates are ISO 8601 strings. A class only for the API document. */
export class TaskView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  projectId!: string;

  @ApiProperty({ format: 'uuid' })
  tenantId!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  done!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** A page of a project's tasks, oldest first. */
export class TaskPage extends PageOf(TaskView) {}
