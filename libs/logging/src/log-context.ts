import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLS_ID, ClsServiceManager, ContextClsStoreMap } from 'nestjs-cls';
import type { TenantClsStore } from '@app/tenancy';
import { activeTraceIds, TraceIds } from '@app/tracing';

/** What the line closing a request says besides who made it: noted by the code that knows it. */
export interface RequestNote extends Partial<TraceIds> {
  /** The command the request sent to the workers. */
  pattern?: string;
  outcome?: string;
  /** A domain error's stable code. */
  errorCode?: string;
}

// A symbol: nestjs-cls reads a string key with dots as a path.
const NOTE = Symbol('request note');

type Store = TenantClsStore & { [NOTE]?: RequestNote };

/** Adds to what the current request's closing line says; nothing outside a request. */
export function noteRequest(note: RequestNote): void {
  const cls = ClsServiceManager.getClsService<Store>();
  // The request's trace, taken while its span is active: its closing line is written after it ended.
  if (cls.isActive()) cls.set(NOTE, { ...activeTraceIds(), ...cls.get(NOTE), ...note });
}

/**
 * Who and which: the tenant, user and correlation id of the request or message a line is logged
 * for. Before the gateway knows the tenant (or never, for a 401), the request's id is the
 * correlation id; the worker has none until the message is authenticated.
 */
function identityFields(store: Store | undefined, fallbackId?: string) {
  const identity = store?.identity;
  return {
    tenantId: identity?.tenantId,
    userId: identity?.userId,
    correlationId: identity?.correlationId || (store?.[CLS_ID] as string | undefined) || fallbackId,
  };
}

/**
 * The fields every log line carries, read from the CLS context it is logged in, so that no call
 * site passes them. pino calls it for each line (its `mixin`); undefined fields are left out.
 * With the active span's trace and span ids, exported or not, so a line can be found by its trace.
 */
export function logFields(): object {
  const cls = ClsServiceManager.getClsService<Store>();
  return { ...(cls.isActive() ? identityFields(cls.get()) : {}), ...activeTraceIds() };
}

/**
 * The line closing an HTTP request. Written when the response has finished, where the request's
 * async context may be gone: its CLS store is found through the request instead (nestjs-cls keeps
 * it by the raw request for this).
 */
export function requestLine(
  req: IncomingMessage & { id?: unknown },
  res: ServerResponse,
  durationMs: number,
) {
  const store: Store | undefined = ContextClsStoreMap.getByRaw(req);
  const note = store?.[NOTE] ?? {};
  const { statusCode } = res;
  return {
    ...identityFields(store, typeof req.id === 'string' ? req.id : undefined),
    method: req.method,
    url: req.url,
    statusCode,
    pattern: note.pattern,
    outcome: note.outcome ?? (statusCode < 400 ? 'answered' : statusCode < 500 ? 'refused' : 'failed'),
    errorCode: note.errorCode,
    traceId: note.traceId,
    spanId: note.spanId,
    durationMs,
  };
}
