/**
 * JobsService, for other resources' services: injected by this token, so that what they import
 * from @app/jobs is a type, and the gateway, which loads @app/jobs for its HTTP side, never loads
 * the service and the database client behind it.
 */
export const JOBS = Symbol('JOBS');
