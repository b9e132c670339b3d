import { contactEvents, type DepartmentEventPayload, type UserEventPayload } from '@kite/contact/contract';
import { appHasScope, type OpenEventMapper, type RegisterOpenEvent } from '@kite/events/contract';

const CONTACT_SCOPES = ['contact:contact', 'contact:contact:readonly'];

function userMapper(eventType: string): OpenEventMapper {
  return (event, app) => {
    if (!appHasScope(app, ...CONTACT_SCOPES)) return null;
    const payload = event.payload as UserEventPayload;
    const object = { ...payload.object, tenant_key: app.tenantKey };
    return { eventType, event: eventType.endsWith('updated_v3') ? { object, old_object: {} } : { object } };
  };
}

function departmentMapper(eventType: string): OpenEventMapper {
  return (event, app) => {
    if (!appHasScope(app, ...CONTACT_SCOPES)) return null;
    const payload = event.payload as DepartmentEventPayload;
    return { eventType, event: eventType.endsWith('updated_v3') ? { object: payload.object, old_object: {} } : { object: payload.object } };
  };
}

/** The Feishu contact v3 events apps receive for directory changes (they need a contact scope). */
export function registerContactOpenEvents(register: RegisterOpenEvent): void {
  register(contactEvents.userCreated, userMapper('contact.user.created_v3'));
  register(contactEvents.userUpdated, userMapper('contact.user.updated_v3'));
  register(contactEvents.userReactivated, userMapper('contact.user.updated_v3'));
  register(contactEvents.userDeactivated, userMapper('contact.user.deleted_v3'));
  register(contactEvents.departmentCreated, departmentMapper('contact.department.created_v3'));
  register(contactEvents.departmentUpdated, departmentMapper('contact.department.updated_v3'));
  register(contactEvents.departmentDeleted, departmentMapper('contact.department.deleted_v3'));
}
