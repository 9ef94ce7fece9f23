import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CursorPosition, decodeCursor, encodeCursor } from './cursor';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `?limit=&cursor=` of every list route, and the same fields of its list command. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  /**
   * Decoded as the query is built, at the gateway and again in the worker before any transaction:
   * a bad cursor throws InvalidInputError there, so both answer 400 `cursor is not valid` (a
   * validation rule would give the gateway a list of messages and dead-letter the worker's copy).
   */
  @ApiPropertyOptional({ maxLength: 200, description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? checked(value) : value))
  cursor?: string;
}

function checked(cursor: string): string {
  decodeCursor(cursor);
  return cursor;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list route's response as a class, for the API document: `class ProjectPage extends PageOf(ProjectView) {}`. */
export function PageOf<T>(item: Class<T>) {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'The `cursor` of the next page; null on the last',
    })
    nextCursor!: string | null;
  }
  return PageOfItems;
}

export type SortDirection = 'asc' | 'desc';

/** What a repository needs to read one page: how many rows (one more than shown) and after which. */
export interface PageRequest {
  take: number;
  after?: CursorPosition;
}

/** Reads one extra row, which tells whether another page exists without a count query. */
export function pageRequest(query: PageQuery): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  return { take: limit + 1, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) };
}

/** The page of rows read with `pageRequest(query)`, as views. */
export function toPage<R extends CursorPosition, V>(
  rows: R[],
  query: PageQuery,
  view: (row: R) => V,
): Page<V> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * Prisma `where` and `orderBy` for keyset paging on (createdAt, id), which the (tenant_id,
 * created_at, id) indexes serve; ties on createdAt are broken by id.
 */
export function keyset(direction: SortDirection, after?: CursorPosition) {
  const beyond = <T>(value: T) => (direction === 'desc' ? { lt: value } : { gt: value });
  return {
    where: after && {
      OR: [{ createdAt: beyond(after.createdAt) }, { createdAt: after.createdAt, id: beyond(after.id) }],
    },
    orderBy: [{ createdAt: direction }, { id: direction }],
  };
}
