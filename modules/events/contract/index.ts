import type { AppRecord } from '@kite/openplatform/contract';
import type { DomainEvent } from '@kite/platform/outbox';

/**
 * What other modules may know about the events module: how to describe the Feishu events an app
 * receives for one of their domain events. Registration itself happens on the events service
 * (`createEventsService(...).registerOpenEvent`), wired in apps/server.
 */

/** One Feishu event for one app: the v2 `header.event_type` and the `event` body. */
export interface OpenEvent {
  /** Feishu event type, e.g. `contact.user.created_v3`, `im.message.receive_v1`. */
  eventType: string;
  /** The `event` object of the v2 envelope (reference/feishu-openapi.md §6a, payload table). */
  event: object;
}

/**
 * Turns a domain event into the Feishu events one app receives. Return `null` (or `[]`) when the app
 * must not see it: it lacks the scope, the event is its own action (Feishu does not echo a bot's own
 * message back to it), or the event is not visible to it. Must be pure and fast: it runs once per app
 * of the tenant for every matching event. Throwing skips this app for this event (and is logged).
 */
export type OpenEventMapper = (event: DomainEvent, app: AppRecord) => OpenEvent | readonly OpenEvent[] | null;

export interface OpenEventOptions {
  /**
   * The only apps that can receive `event` (their app ids), read from the event itself — e.g. the
   * bots of the chat a message was sent in. The mapper must return nothing for any other app. With
   * it, an event no app can receive is skipped without a query; without it every app of the tenant
   * is a candidate.
   */
  appsOf?(event: DomainEvent): readonly string[];
}

/** Registers a mapper for one domain event type; several mappers per type are allowed. */
export type RegisterOpenEvent = (domainType: string, mapper: OpenEventMapper, options?: OpenEventOptions) => void;

/** The v2 event envelope (reference/feishu-openapi.md §6a). */
export interface OpenEventEnvelope {
  schema: '2.0';
  header: {
    /** 32 hex chars, stable across redeliveries of the same event so apps can de-duplicate. */
    event_id: string;
    event_type: string;
    /** Milliseconds since the epoch, as a string. */
    create_time: string;
    /** The app's verification token, or `''` when it has none. */
    token: string;
    app_id: string;
    tenant_key: string;
  };
  event: object;
}

/** Whether the app was granted at least one of `scopes`; the usual guard inside a mapper. */
export function appHasScope(app: Pick<AppRecord, 'scopes'>, ...scopes: readonly string[]): boolean {
  return scopes.some((scope) => app.scopes.includes(scope));
}

/** Why a synchronous call to an app (a card callback) failed. */
export type AppCallFailureReason = 'timeout' | 'unreachable' | 'refused';

/** A call to an app that did not get an answer: no answer in time, no connection, or an error answer. */
export class AppCallFailure extends Error {
  constructor(
    readonly reason: AppCallFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'AppCallFailure';
  }
}

/**
 * Request/response calls to an app, for callbacks whose answer someone waits for (a card button):
 * sent once, now, never stored or retried. Implemented by the events service, injected where needed.
 */
export interface AppCallbacks {
  /**
   * Whether `app` is subscribed to events at all: it has an event URL, or a long connection open
   * on this node (a socket held by another node is not seen).
   */
  receivesEvents(app: AppRecord): boolean;
  /**
   * Sends one v2 event to the app — over its long connection when one is open here, else to its
   * event URL, encrypted and signed like every event — and resolves with its handler's answer
   * (`undefined` when it answered nothing).
   * @throws AppCallFailure
   */
  callEvent(app: AppRecord, eventType: string, event: object, options: { timeoutMs: number }): Promise<unknown>;
  /**
   * POSTs a legacy (v1) card callback to `app.cardUrl`, signed with sha1 over the verification token
   * (reference/feishu-openapi.md §7), and resolves with the parsed answer.
   * @throws AppCallFailure
   */
  callCardUrl(app: AppRecord, body: object, options: { timeoutMs: number }): Promise<unknown>;
}
