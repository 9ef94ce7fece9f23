import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { PageOf, PageQuery } from '@app/pagination';
import { IsText, TextRules } from '@app/validation';

/** Message patterns, versioned: a breaking payload change gets a new version, never an edit. */
export const ProjectPattern = {
  Create: 'projects.create.v1',
  List: 'projects.list.v1',
  Get: 'projects.get.v1',
  Update: 'projects.update.v1',
  Delete: 'projects.delete.v1',
} as const;
export type ProjectPattern = (typeof ProjectPattern)[keyof typeof ProjectPattern];

export const NAME: TextRules = { min: 1, max: 200, notBlank: true };
export const DESCRIPTION: TextRules = { min: 0, max: 2000, multiline: true };

/** Body of POST /projects and payload of projects.create.v1. */
export class CreateProjectInput {
  @IsText(NAME)
  name!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsText(DESCRIPTION)
  description?: string | null;
}

/** Body of PATCH /projects/:id. */
export class UpdateProjectInput {
  // Unlike description, a name cannot be cleared: null is validated (and refused), only absence skips.
  @ApiPropertyOptional()
  @ValidateIf((_input, value) => value !== undefined)
  @IsText(NAME)
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsText(DESCRIPTION)
  description?: string | null;
}

/** Query of GET /projects and payload of projects.list.v1. */
export class ListProjectsInput extends PageQuery {}

/** Path parameter of /projects/:id and payload of get/delete. */
export class ProjectIdInput {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Payload of projects.update.v1: the changes and the project they apply to. */
export class UpdateProjectPayload extends UpdateProjectInput {
  @IsUUID()
  id!: string;
}

/** A project as the API returns it; dates are ISO 8601 strings. A class only for the API document. */
export class ProjectView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  tenantId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ enum: ['active', 'archived'], description: 'An archived project is read-only' })
  status!: 'active' | 'archived';

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** A page of projects, newest first. */
export class ProjectPage extends PageOf(ProjectView) {}
