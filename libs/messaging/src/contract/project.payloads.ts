import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

const NOT_BLANK = /\S/;
// PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NO_NUL = /^[^\u0000]*$/;
const NO_NUL_MESSAGE = { message: '$property must not contain NUL characters' };

/** Body of POST /projects and payload of projects.create.v1. */
export class CreateProjectInput {
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  description?: string | null;
}

/** Body of PATCH /projects/:id. */
export class UpdateProjectInput {
  // Unlike description, a name cannot be cleared: null is validated (and refused), only absence skips.
  @ValidateIf((_input, value) => value !== undefined)
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(NO_NUL, NO_NUL_MESSAGE)
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
