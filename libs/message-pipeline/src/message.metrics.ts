import { Injectable } from '@nestjs/common';
import { Metrics } from '@app/metrics';
import { DeadLetterReason, deadLetterReason } from './dead-letter-reason';
import type { Delivery } from './delivery';

/** Pattern label of a message refused before its pattern was read, or with a pattern no handler serves. */
export const UNREAD_PATTERN = '(unread)';
export const UNKNOWN_PATTERN = '(unknown)';

/**
 * The worker's message counters. Patterns come from the handlers' own decorators (a message with
 * any other pattern never reaches the pipeline), outcomes and reasons from fixed sets: the label
 * values are bounded whatever a sender puts in a message. The tenant is a label only in the
 * per-tenant counter, and only for the tenants METRICS_TENANT_LABELS lists.
 */
@Injectable()
export class MessageMetrics {
  private readonly handled;
  private readonly duration;
  private readonly retries;
  private readonly deadLetters;
  private readonly byTenant;

  constructor(private readonly metrics: Metrics) {
    this.handled = metrics.counter({
      name: 'tenantry_messages_total',
      help: 'Messages the worker settled, by pattern and outcome (acked, retried, dead-lettered, domain error)',
      labelNames: ['pattern', 'outcome'] as const,
    });
    this.duration = metrics.histogram({
      name: 'tenantry_message_handler_duration_seconds',
      help: 'From delivery to settlement of a message in the pipeline (checks, transaction, commit), by pattern',
      labelNames: ['pattern'] as const,
    });
    this.retries = metrics.counter({
      name: 'tenantry_message_retries_total',
      help: 'Messages parked on the retry ladder after a transient failure, by pattern',
      labelNames: ['pattern'] as const,
    });
    this.deadLetters = metrics.counter({
      name: 'tenantry_dead_letters_total',
      help: 'Messages the worker dead-lettered, by reason',
      labelNames: ['reason'] as const,
    });
    this.byTenant = metrics.perTenant
      ? metrics.counter({
          name: 'tenantry_tenant_messages_total',
          help: 'Messages settled per tenant listed in METRICS_TENANT_LABELS (all others: other), by outcome',
          labelNames: ['tenant', 'outcome'] as const,
        })
      : undefined;
  }

  /** Whether a tenant label is wanted: the pipeline then looks the tenant up. */
  get perTenant(): boolean {
    return this.byTenant !== undefined;
  }

  /**
   * A message through the pipeline, once settled (one left unsettled is not counted), and how long
   * the pipeline took: a number the caller measured once, not a timer closure per message.
   */
  settled(pattern: string, delivery: Delivery, durationMs: number, tenantId?: string): void {
    const { outcome } = delivery;
    if (!outcome) return;
    this.duration.observe({ pattern }, durationMs / 1000);
    this.handled.inc({ pattern, outcome });
    if (outcome === 'retried') this.retries.inc({ pattern });
    if (outcome === 'dead-lettered') this.deadLetters.inc({ reason: deadLetterReason(delivery.deadLetterReason ?? '') });
    this.byTenant?.inc({ tenant: this.metrics.tenantLabel(tenantId), outcome });
  }

  /** A message the transport refused before the pipeline (too large, too deep, no handler). */
  refused(pattern: typeof UNREAD_PATTERN | typeof UNKNOWN_PATTERN, reason: DeadLetterReason): void {
    this.handled.inc({ pattern, outcome: 'dead-lettered' });
    this.deadLetters.inc({ reason });
  }
}
