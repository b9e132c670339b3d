import type { ColumnType, Generated } from 'kysely';

/** Tables the events module owns (migrations/202611211000_events_delivery.ts). */
// A type alias, not an interface: `withTables<T>` needs the implicit index signature aliases have.
export type EventsTables = {
  /**
   * Domain events waiting to be fanned out to apps. The outbox consumer writes here inside the
   * dispatcher's transaction; the worker expands each row into deliveries outside it (see delivery.ts).
   */
  event_fanout: {
    outbox_seq: number;
    tenant_id: string;
    /** The DomainEvent, so the row stands on its own even after the outbox is pruned. */
    domain_event: ColumnType<unknown, string, string>;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  /** One Feishu event for one app, and its delivery state. */
  event_delivery: {
    id: string;
    /** The envelope's `header.event_id`; unique, so fanning out twice inserts nothing new. */
    event_id: string;
    tenant_id: string;
    /** Public app id (`cli_…`). */
    app_id: string;
    outbox_seq: number;
    event_type: string;
    /** Compact JSON of the v2 envelope, kept as text so its key order — and so its bytes — stay as built. */
    envelope: string;
    status: DeliveryStatus;
    attempts: Generated<number>;
    /** When the worker may next try; also the lease end while an attempt is in flight. */
    next_attempt_at: Date;
    last_error: string | null;
    /** How the last attempt went out: `ws` (long connection) or `webhook`. */
    transport: string | null;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    delivered_at: Date | null;
  };
  /** Apps that use the long connection: events are queued for them even while they reconnect. */
  event_subscriber: {
    app_id: string;
    tenant_id: string;
    last_connected_at: Date;
  };
};

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
