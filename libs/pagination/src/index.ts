// Keyset pagination on (createdAt, id) with opaque cursors, shared by every list.
export { decodeCursor, encodeCursor } from './cursor';
export type { CursorPosition } from './cursor';
export { DEFAULT_PAGE_SIZE, keyset, MAX_PAGE_SIZE, PageQuery, pageRequest, toPage } from './page';
export type { Page, PageRequest, SortDirection } from './page';
