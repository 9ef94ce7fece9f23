import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsText } from '@app/validation';
import { CreateProjectInput } from './projects.contract';

/** Patterns of the project operations that run as background jobs (libs/jobs). */
export const ProjectJobPattern = {
  Import: 'projects.import.v1',
  ImportBatch: 'projects.import-batch.v1',
  Archive: 'projects.archive.v1',
  ArchiveBatch: 'projects.archive-batch.v1',
} as const;

export const MAX_IMPORT_ITEMS = 10_000;
export const MAX_TASKS_PER_ITEM = 100;

export class ImportTaskItem {
  @IsText({ min: 1, max: 500, notBlank: true })
  title!: string;

  @IsOptional()
  @IsBoolean()
  done?: boolean;
}

/** One project of an import: the same rules as POST /projects, and its tasks. */
export class ImportItem extends CreateProjectInput {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TASKS_PER_ITEM)
  @ValidateNested({ each: true })
  @Type(() => ImportTaskItem)
  tasks?: ImportTaskItem[];
}

/** Body of POST /projects/import and payload of projects.import.v1. */
export class ImportProjectsInput {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ImportItem)
  items!: ImportItem[];
}

/** Payload of projects.import-batch.v1: one batch of an import job, published by the worker. */
export class ImportBatchPayload extends ImportProjectsInput {
  @IsUUID()
  jobId!: string;

  @IsInt()
  @Min(0)
  batch!: number;
}

/** Payload of projects.archive.v1: archive or unarchive one project. */
export class ArchivePayload {
  @IsUUID()
  id!: string;

  @IsBoolean()
  archived!: boolean;
}

/** Payload of projects.archive-batch.v1. */
export class ArchiveBatchPayload extends ArchivePayload {
  @IsUUID()
  jobId!: string;
}

/** The result of an import job, as it grows batch by batch. */
export interface ImportResult {
  imported: number;
  conflicts: number;
  /** The first names that were not imported: already in the tenant, or repeated in the request. */
  conflictNames: string[];
}

export const MAX_LISTED_CONFLICTS = 100;
