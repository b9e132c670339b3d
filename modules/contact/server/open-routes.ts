import { errors } from '@kite/kernel/errors';
import { type Authenticators, openOk } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IdTypes, OpenContactApi } from './open-contact.ts';

const IdTypeQuery = z.object({
  user_id_type: z.enum(['open_id', 'union_id', 'user_id']).default('open_id'),
  department_id_type: z.enum(['open_department_id', 'department_id']).default('open_department_id'),
});
const PageQuery = IdTypeQuery.extend({
  page_size: z.coerce.number().int().min(1).max(100).default(50),
  page_token: z.string().max(500).optional(),
});
/** A query-string boolean as the SDK sends it (`true`/`false`); z.coerce.boolean() would read "false" as true. */
const queryBoolean = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((value) => value === true || value === 'true');
const idParam = (name: string) => z.object({ [name]: z.string().min(1).max(64) });
const idList = z.array(z.string().min(1).max(64)).max(50);

const OpenUserInput = z.object({
  name: z.string().trim().min(1).max(100),
  en_name: z.string().trim().max(100).optional(),
  email: z.string().trim().toLowerCase().email().max(254).optional(),
  mobile: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 -]{3,30}$/)
    .optional(),
  user_id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  department_ids: idList.optional(),
  leader_user_id: z.string().max(64).optional(),
  job_title: z.string().trim().max(100).optional(),
  employee_no: z.string().trim().max(64).optional(),
  employee_type: z.number().int().optional(),
});
const OpenDepartmentInput = z.object({
  name: z.string().trim().min(1).max(100),
  parent_department_id: z.string().min(1).max(64).default('0'),
  department_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  leader_user_id: z.string().max(64).optional(),
  order: z.union([z.string().regex(/^\d{1,7}$/), z.number().int().min(0).max(1_000_000)]).optional(),
});
// Without the create default: under zod 4 a default inside .partial() still applies, which would move
// every patched department to the root.
const OpenDepartmentPatch = OpenDepartmentInput.extend({ parent_department_id: z.string().min(1).max(64) }).partial();
const BatchGetIdInput = z.object({
  emails: z.array(z.string().trim().toLowerCase().max(254)).max(50).optional(),
  mobiles: z.array(z.string().trim().max(40)).max(50).optional(),
  include_resigned: z.boolean().optional(),
});

function idTypes(query: z.infer<typeof IdTypeQuery>): IdTypes {
  return { userIdType: query.user_id_type, departmentIdType: query.department_id_type };
}

/** contact v3 (reference/feishu-openapi.md §9), as the official SDK calls it. */
export function registerContactOpenRoutes(app: FastifyInstance, deps: { api: OpenContactApi; authenticate: Authenticators }): void {
  const { api, authenticate } = deps;

  app.post('/open-apis/contact/v3/users', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const input = parseInput(OpenUserInput, request.body);
    const { user } = await api.service.createUser(ctx, {
      name: input.name,
      enName: input.en_name,
      email: input.email,
      mobile: input.mobile,
      employeeId: input.user_id,
      title: input.job_title,
      departmentIds: input.department_ids ? await api.resolveDepartments(ctx, input.department_ids, types.departmentIdType) : [],
      managerId: input.leader_user_id ? (await api.resolveUser(ctx, input.leader_user_id, types.userIdType)).id : undefined,
    });
    return openOk({ user: await api.userById(ctx, user.id, types) });
  });

  app.get('/open-apis/contact/v3/users/find_by_department', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(PageQuery.extend({ department_id: z.string().min(1).max(64) }), request.query);
    return openOk(await api.usersOfDepartment(ctx, query.department_id, idTypes(query), query.page_size, query.page_token));
  });

  app.post('/open-apis/contact/v3/users/batch_get_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const input = parseInput(BatchGetIdInput, request.body);
    return openOk({ user_list: await api.batchGetId(ctx, input, types.userIdType) });
  });

  app.get('/open-apis/contact/v3/users', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(PageQuery.extend({ department_id: z.string().min(1).max(64).optional() }), request.query);
    const page = query.department_id
      ? await api.usersOfDepartment(ctx, query.department_id, idTypes(query), query.page_size, query.page_token)
      : await api.allUsers(ctx, idTypes(query), query.page_size, query.page_token);
    return openOk(page);
  });

  app.get('/open-apis/contact/v3/users/:user_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { user_id } = parseInput(idParam('user_id'), request.params) as { user_id: string };
    return openOk({ user: await api.getUser(ctx, user_id, idTypes(parseInput(IdTypeQuery, request.query))) });
  });

  app.patch('/open-apis/contact/v3/users/:user_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { user_id } = parseInput(idParam('user_id'), request.params) as { user_id: string };
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const input = parseInput(OpenUserInput.partial(), request.body);
    const row = await api.resolveUser(ctx, user_id, types.userIdType);
    await api.service.updateUser(ctx, row.id, {
      name: input.name,
      enName: input.en_name,
      email: input.email,
      mobile: input.mobile,
      employeeId: input.user_id,
      title: input.job_title,
      departmentIds: input.department_ids ? await api.resolveDepartments(ctx, input.department_ids, types.departmentIdType) : undefined,
      managerId:
        input.leader_user_id === undefined
          ? undefined
          : input.leader_user_id
            ? (await api.resolveUser(ctx, input.leader_user_id, types.userIdType)).id
            : null,
    });
    return openOk({ user: await api.userById(ctx, row.id, types) });
  });

  app.delete('/open-apis/contact/v3/users/:user_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { user_id } = parseInput(idParam('user_id'), request.params) as { user_id: string };
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const row = await api.resolveUser(ctx, user_id, types.userIdType);
    await api.service.setUserStatus(ctx, row.id, 'deactivated');
    return openOk({});
  });

  // Departments -----------------------------------------------------------------------------------

  app.post('/open-apis/contact/v3/departments', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const input = parseInput(OpenDepartmentInput, request.body);
    const created = await api.service.createDepartment(ctx, {
      name: input.name,
      parentId: await api.resolveDepartment(ctx, input.parent_department_id, types.departmentIdType),
      departmentId: input.department_id,
      leaderUserIds: input.leader_user_id ? [(await api.resolveUser(ctx, input.leader_user_id, types.userIdType)).id] : [],
      order: input.order === undefined ? undefined : Number(input.order),
    });
    return openOk({ department: await api.departmentById(ctx, created.id, types) });
  });

  app.get('/open-apis/contact/v3/departments', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(
      PageQuery.extend({ parent_department_id: z.string().min(1).max(64).default('0'), fetch_child: queryBoolean.default(false) }),
      request.query,
    );
    return openOk(
      await api.children(ctx, query.parent_department_id, idTypes(query), query.fetch_child, query.page_size, query.page_token),
    );
  });

  app.get('/open-apis/contact/v3/departments/:department_id/children', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { department_id } = parseInput(idParam('department_id'), request.params) as { department_id: string };
    const query = parseInput(PageQuery.extend({ fetch_child: queryBoolean.default(false) }), request.query);
    return openOk(await api.children(ctx, department_id, idTypes(query), query.fetch_child, query.page_size, query.page_token));
  });

  app.get('/open-apis/contact/v3/departments/:department_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { department_id } = parseInput(idParam('department_id'), request.params) as { department_id: string };
    return openOk({ department: await api.getDepartment(ctx, department_id, idTypes(parseInput(IdTypeQuery, request.query))) });
  });

  app.patch('/open-apis/contact/v3/departments/:department_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { department_id } = parseInput(idParam('department_id'), request.params) as { department_id: string };
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const input = parseInput(OpenDepartmentPatch, request.body);
    const id = await api.resolveDepartment(ctx, department_id, types.departmentIdType);
    if (!id) throw errors.forbidden('The root department cannot be changed');
    const updated = await api.service.updateDepartment(ctx, id, {
      name: input.name,
      parentId:
        input.parent_department_id === undefined
          ? undefined
          : await api.resolveDepartment(ctx, input.parent_department_id, types.departmentIdType),
      leaderUserIds:
        input.leader_user_id === undefined
          ? undefined
          : input.leader_user_id
            ? [(await api.resolveUser(ctx, input.leader_user_id, types.userIdType)).id]
            : [],
      order: input.order === undefined ? undefined : Number(input.order),
    });
    return openOk({ department: await api.departmentById(ctx, updated.id, types) });
  });

  app.delete('/open-apis/contact/v3/departments/:department_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { department_id } = parseInput(idParam('department_id'), request.params) as { department_id: string };
    const types = idTypes(parseInput(IdTypeQuery, request.query));
    const id = await api.resolveDepartment(ctx, department_id, types.departmentIdType);
    if (!id) throw errors.forbidden('The root department cannot be deleted');
    await api.service.deleteDepartment(ctx, id);
    return openOk({});
  });
}
