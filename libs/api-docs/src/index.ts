// The gateway's OpenAPI document: the decorators routes and DTOs describe themselves with, and the setup.
export { apiDocument, DOCS_PATH, setupApiDocs } from './api-docs.setup';
export { ApiPublicResource, ApiResource, ApiRoute, BEARER_SCHEME } from './api-route.decorator';
export type { RouteDocs } from './api-route.decorator';
export { ErrorBody } from './error-body';
