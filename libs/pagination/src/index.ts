// Keyset pagination on (createdAt, id) with opaque cursors, shared by every list.
export { INVALID_CURSOR } from './cursor';
export { keyset, PageOf, PageQuery, pageRequest, toPage } from './page';
export type { Page, PageRequest } from './page';
