import {
  CreateDepartmentInput,
  CreateUserInput,
  GroupInput,
  GroupMembersInput,
  ImportInput,
  ListUsersQuery,
  UpdateDepartmentInput,
  UpdateUserInput,
} from '@kite/contact/contract';
import type { Authenticators } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ContactService } from './contact-service.ts';
import type { CsvImporter } from './csv-import.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });
const ResetPasswordInput = z.object({ password: z.string().min(8).max(200).optional() });

/** The internal API of the directory (docs/internal-api.md § Contacts). */
export function registerContactRoutes(
  app: FastifyInstance,
  deps: { contacts: ContactService; importer: CsvImporter; authenticate: Authenticators },
): void {
  const { contacts, authenticate } = deps;

  app.get('/api/contact/departments', async (request) => {
    const ctx = await authenticate.user(request);
    return { items: await contacts.listDepartments(ctx) };
  });
  app.post('/api/contact/departments', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.createDepartment(ctx, parseInput(CreateDepartmentInput, request.body));
  });
  app.patch('/api/contact/departments/:id', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return contacts.updateDepartment(ctx, id, parseInput(UpdateDepartmentInput, request.body));
  });
  app.delete('/api/contact/departments/:id', async (request) => {
    const ctx = await authenticate.user(request);
    await contacts.deleteDepartment(ctx, parseInput(IdParam, request.params).id);
    return {};
  });

  app.get('/api/contact/users', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.listUsers(ctx, parseInput(ListUsersQuery, request.query));
  });
  app.get('/api/contact/users/:id', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.getUser(ctx, parseInput(IdParam, request.params).id);
  });
  app.post('/api/contact/users', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.createUser(ctx, parseInput(CreateUserInput, request.body));
  });
  app.patch('/api/contact/users/:id', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return contacts.updateUser(ctx, id, parseInput(UpdateUserInput, request.body));
  });
  app.post('/api/contact/users/:id/deactivate', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.setUserStatus(ctx, parseInput(IdParam, request.params).id, 'deactivated');
  });
  app.post('/api/contact/users/:id/reactivate', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.setUserStatus(ctx, parseInput(IdParam, request.params).id, 'active');
  });
  app.post('/api/contact/users/:id/reset-password', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return contacts.resetPassword(ctx, id, parseInput(ResetPasswordInput, request.body).password);
  });

  app.get('/api/contact/groups', async (request) => {
    const ctx = await authenticate.user(request);
    return { items: await contacts.listGroups(ctx) };
  });
  app.post('/api/contact/groups', async (request) => {
    const ctx = await authenticate.user(request);
    return contacts.createGroup(ctx, parseInput(GroupInput, request.body));
  });
  app.patch('/api/contact/groups/:id', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return contacts.updateGroup(ctx, id, parseInput(GroupInput.partial(), request.body));
  });
  app.delete('/api/contact/groups/:id', async (request) => {
    const ctx = await authenticate.user(request);
    await contacts.deleteGroup(ctx, parseInput(IdParam, request.params).id);
    return {};
  });
  app.get('/api/contact/groups/:id/members', async (request) => {
    const ctx = await authenticate.user(request);
    return { items: await contacts.groupMembers(ctx, parseInput(IdParam, request.params).id) };
  });
  app.post('/api/contact/groups/:id/members', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return contacts.changeGroupMembers(ctx, id, parseInput(GroupMembersInput, request.body).userIds, 'add');
  });
  app.delete('/api/contact/groups/:id/members', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return contacts.changeGroupMembers(ctx, id, parseInput(GroupMembersInput, request.body).userIds, 'remove');
  });

  app.post('/api/contact/import', { bodyLimit: 6 * 1024 * 1024 }, async (request) => {
    const ctx = await authenticate.user(request);
    const input = parseInput(ImportInput, request.body);
    return deps.importer.run(ctx, input.csv, input.dryRun ?? false);
  });
}
