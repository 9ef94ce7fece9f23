import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsString,
  IsOptional,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import { z } from 'zod';
import { FastPath, IsText, KeptAsSent, TextRules, textSchema, ValidateInSlices } from '@app/validation';
import { CreateProjectInput, DESCRIPTION, NAME } from './projects.contract';

/** Patterns of the project operations that run as background jobs (libs/jobs). */
export const ProjectJobPattern = {
  Import: 'projects.import.v1',
  ImportBatch: 'projects.import-batch.v1',
  Archive: 'projects.archive.v1',
  ArchiveBatch: 'projects.archive-batch.v1',
} as const;

export const MAX_IMPORT_ITEMS = 10_000;
export const MAX_TASKS_PER_ITEM = 100;

const TASK_TITLE: TextRules = { min: 1, max: 500, notBlank: true };

/**
 * ImportItem's rules in zod, the fast path for the 10,000 items of an import (see FastPath): an
 * item it refuses is validated again by the classes below, for their messages.
 */
export const importItemSchema = z.strictObject({
  name: textSchema(NAME),
  description: textSchema(DESCRIPTION).nullable().optional(),
  tasks: z
    .array(z.strictObject({ title: textSchema(TASK_TITLE), done: z.boolean().optional() }))
    .max(MAX_TASKS_PER_ITEM)
    .optional(),
});

export class ImportTaskItem {
  @IsText(TASK_TITLE)
  title!: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  done?: boolean;
}

/** One project of an import: the same rules as POST /projects, and its tasks. */
@FastPath(importItemSchema)
export class ImportItem extends CreateProjectInput {
  @ApiPropertyOptional({ type: [ImportTaskItem], maxItems: MAX_TASKS_PER_ITEM })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TASKS_PER_ITEM)
  @ValidateNested({ each: true })
  @Type(() => ImportTaskItem)
  tasks?: ImportTaskItem[];
}

/** Body of POST /projects/import and payload of projects.import.v1. */
export class ImportProjectsInput {
  @ApiProperty({ type: [ImportItem], minItems: 1, maxItems: MAX_IMPORT_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ImportItem)
  items!: ImportItem[];
}

/**
 * Payload of projects.import.v1, as the worker takes it: up to 10,000 objects, each validated in
 * full only in its batch (ImportBatchPayload), before that batch writes anything. Validating all of
 * them at once held the worker's event loop for up to 0.6 s (bench), stalling every other tenant's
 * commands; the gateway has validated the whole request already, so a bad item means a bug or skew,
 * and it fails its batch and the job.
 */
export class StartImportPayload {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ITEMS)
  @IsObject({ each: true })
  @KeptAsSent()
  items!: ImportItem[];
}

/**
 * Payload of projects.import-batch.v1: one batch of an import job, published by the worker. Its
 * items are validated a slice at a time (ValidateInSlices), so that a batch does not hold the
 * worker's event loop while other tenants' commands wait.
 */
export class ImportBatchPayload {
  // Empty when every item of the batch repeats an earlier one.
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_ITEMS)
  @IsObject({ each: true })
  @ValidateInSlices(() => ImportItem)
  items!: ImportItem[];

  /** Names of the batch's items that repeat an earlier item of the request: conflicts, not imported. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_ITEMS)
  @IsString({ each: true })
  repeats?: string[];

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
