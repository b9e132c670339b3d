import { createHash } from 'node:crypto';
import type { Logger } from '@kite/kernel/logger';
import type { AppRecord } from '@kite/openplatform/contract';
import type { DomainEvent } from '@kite/platform/outbox';
import type { OpenEvent, OpenEventEnvelope, OpenEventMapper, OpenEventOptions } from '../contract/index.ts';

/**
 * Which Feishu events a domain event becomes, per app. Owning modules register mappers (the contact
 * module knows what `contact.user.created` carries and that it is `contact.user.created_v3` for apps
 * with a contact scope); this module only fans out, wraps and delivers.
 */
export class OpenEventRegistry {
  private readonly mappers = new Map<string, OpenEventMapper[]>();
  /** Per domain type: how to narrow its candidate apps, or null once any of its mappers cannot. */
  private readonly candidates = new Map<string, Array<(event: DomainEvent) => readonly string[]> | null>();

  constructor(private readonly logger: Logger) {}

  /** Adds a mapper for `domainType`. Register before the outbox dispatcher starts. */
  register(domainType: string, mapper: OpenEventMapper, options: OpenEventOptions = {}): void {
    const list = this.mappers.get(domainType) ?? [];
    list.push(mapper);
    this.mappers.set(domainType, list);
    const narrowing = this.candidates.has(domainType) ? this.candidates.get(domainType)! : [];
    this.candidates.set(domainType, narrowing && options.appsOf ? [...narrowing, options.appsOf] : null);
  }

  /** Whether any mapper exists for `domainType`; other events are skipped without a query. */
  handles(domainType: string): boolean {
    return this.mappers.has(domainType);
  }

  /**
   * Whether some app may receive `event`: a mapper handles its type and, where the mappers name
   * their candidate apps (`appsOf`), there is one. False means no app can, whatever apps the tenant
   * has — a message in a chat without bots is not fanned out.
   */
  mayDeliver(event: DomainEvent): boolean {
    if (!this.mappers.has(event.type)) return false;
    const narrowing = this.candidates.get(event.type);
    if (!narrowing) return true;
    return narrowing.some((appsOf) => {
      try {
        return appsOf(event).length > 0;
      } catch (error) {
        this.logger.error('open event appsOf failed', { domainType: event.type, error });
        return true;
      }
    });
  }

  /**
   * Every Feishu event `app` receives for `event`, in registration order. A mapper that throws is
   * logged and skipped: one bad mapper must not stall delivery of everything behind it.
   */
  map(event: DomainEvent, app: AppRecord): OpenEvent[] {
    const result: OpenEvent[] = [];
    for (const mapper of this.mappers.get(event.type) ?? []) {
      try {
        const mapped = mapper(event, app);
        if (mapped === null) continue;
        if (isOpenEventList(mapped)) result.push(...mapped);
        else result.push(mapped);
      } catch (error) {
        this.logger.error('open event mapper failed', { domainType: event.type, appId: app.appId, error });
      }
    }
    return result;
  }
}

function isOpenEventList(value: OpenEvent | readonly OpenEvent[]): value is readonly OpenEvent[] {
  return Array.isArray(value);
}

/**
 * A stable `event_id` (32 hex chars, Feishu's shape) for the `index`-th Feishu event of `eventType`
 * that domain event `domainEventId` yields for `appId`. Deterministic so that fanning the same
 * domain event out twice (at-least-once delivery, two nodes) yields the same row, and so apps can
 * de-duplicate retries by `event_id`.
 */
export function deriveEventId(domainEventId: string, appId: string, eventType: string, index: number): string {
  return createHash('sha256').update(`${domainEventId}\n${appId}\n${eventType}\n${index}`).digest('hex').slice(0, 32);
}

/** Builds the v2 envelope an app receives. */
export function buildOpenEnvelope(input: {
  eventId: string;
  eventType: string;
  createdAt: Date;
  app: Pick<AppRecord, 'appId' | 'tenantKey' | 'verificationToken'>;
  event: object;
}): OpenEventEnvelope {
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId,
      event_type: input.eventType,
      create_time: String(input.createdAt.getTime()),
      token: input.app.verificationToken ?? '',
      app_id: input.app.appId,
      tenant_key: input.app.tenantKey,
    },
    event: input.event,
  };
}
