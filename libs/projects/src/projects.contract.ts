import { IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { Page, PageQuery } from '@app/pagination';
import { IsText } from '@app/validation';

/** Message patterns, versioned: a breaking payload change gets a new version, never an edit. */
export const ProjectPattern = {
  Create: 'projects.create.v1',
  List: 'projects.list.v1',
  Get: 'projects.get.v1',
  Update: 'projects.update.v1',
  Delete: 'projects.delete.v1',
} as const;
export type ProjectPattern = (typeof ProjectPattern)[keyof typeof ProjectPattern];

/** Body of POST /projects and payload of projects.create.v1. */
export class CreateProjectInput {
  @IsText({ min: 1, max: 200, notBlank: true })
  name!: string;

  @IsOptional()
  @IsText({ min: 0, max: 2000, multiline: true })
  description?: string | null;
}

/** Body of PATCH /projects/:id. */
export class UpdateProjectInput {
  // Unlike description, a name cannot be cleared: null is validated (and refused), only absence skips.
  @ValidateIf((_input, value) => value !== undefined)
  @IsText({ min: 1, max: 200, notBlank: true })
  name?: string;

  @IsOptional()
  @IsText({ min: 0, max: 2000, multiline: true })
  description?: string | null;
}

/** Query of GET /projects and payload of projects.list.v1. */
export class ListProjectsInput extends PageQuery {}

/** Path parameter of /projects/:id and payload of get/delete. */
export class ProjectIdInput {
  @IsUUID()
  id!: string;
}

/** Payload of projects.update.v1: the changes and the project they apply to. */
export class UpdateProjectPayload extends UpdateProjectInput {
  @IsUUID()
  id!: string;
}

/** A project as the API returns it; dates are ISO 8601 strings. */
export interface ProjectView {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
}

export type ProjectPage = Page<ProjectView>;
