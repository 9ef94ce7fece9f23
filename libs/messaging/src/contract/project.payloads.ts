import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';

const NOT_BLANK = /\S/;

/** Body of POST /projects and payload of projects.create.v1. */
export class CreateProjectInput {
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

/** Body of PATCH /projects/:id. */
export class UpdateProjectInput {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

/** Query of GET /projects and payload of projects.list.v1. */
export class ListProjectsInput {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** Path parameter of /projects/:id and payload of get/delete. */
export class ProjectIdInput {
  @IsUUID()
  id!: string;
}

export class UpdateProjectPayload extends UpdateProjectInput {
  @IsUUID()
  id!: string;
}
