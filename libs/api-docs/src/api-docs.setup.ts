import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from './api-route.decorator';

/** Where the gateway serves Swagger UI; the document is at `${DOCS_PATH}-json`. */
export const DOCS_PATH = '/docs';

/** The OpenAPI document of the app's routes, from their decorators and DTOs. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tenantry')
    .setDescription(
      'Projects and tasks of the tenant named by the bearer token; long operations run as jobs. ' +
        'Every error has the shape `{statusCode, message, error}`.',
    )
    .setVersion('1')
    // In this order in Swagger UI, rather than in the order the modules happen to be imported.
    .addTag('projects', "The tenant's projects; import, archive and unarchive run as jobs")
    .addTag('tasks', "A project's tasks")
    .addTag('jobs', 'Background jobs: their status, progress and result')
    .addTag('health', 'For load balancers and orchestrators; no token')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token whose claims name the tenant and the user',
      },
      BEARER_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    // `ProjectsHttpController_create` → `Projects_create`: unique, and shorter in generated clients.
    operationIdFactory: (controller: string, method: string) =>
      `${controller.replace(/HttpController$/, '')}_${method}`,
  });
}

/**
 * Serves Swagger UI at /docs and the document at /docs-json, before the app is initialised (Fastify
 * takes no route after it starts). These routes are Fastify's own, outside Nest's router: no guard,
 * so no token, and none of the command path's limits. The document is built here, at boot, so a
 * broken decorator stops the gateway instead of failing the first request for it.
 */
export function setupApiDocs(app: INestApplication): void {
  const document = apiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    raw: ['json'],
    customSiteTitle: 'Tenantry API',
    // A link such as /docs#/projects/Projects_create opens that operation.
    swaggerOptions: { deepLinking: true },
  });
}
