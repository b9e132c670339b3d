import { errors } from '@kite/kernel/errors';
import type { RequestContext } from '@kite/platform/context';

type Ctx = Pick<RequestContext, 'actor' | 'isTenantAdmin' | 'scopes'>;

const READ_SCOPES = ['contact:contact', 'contact:contact:readonly'];

/** Everyone in the tenant may read the directory; apps need a contact scope. */
export function assertCanReadContacts(ctx: Ctx): void {
  if (ctx.actor.type === 'app' && !ctx.scopes?.some((scope) => READ_SCOPES.includes(scope))) {
    throw errors.forbidden('The app lacks the contact:contact:readonly scope');
  }
}

/** Tenant administrators manage the directory; apps need `contact:contact`. */
export function assertCanManageContacts(ctx: Ctx): void {
  if (ctx.actor.type === 'system') return;
  if (ctx.actor.type === 'app') {
    if (!ctx.scopes?.includes('contact:contact')) throw errors.forbidden('The app lacks the contact:contact scope');
    return;
  }
  if (!ctx.isTenantAdmin) throw errors.forbidden('Only administrators can change the directory');
}
