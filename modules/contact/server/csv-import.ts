import { CreateUserInput, contactEvents, type ImportResult } from '@kite/contact/contract';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner } from '@kite/platform/outbox';
import { parse } from 'csv-parse/sync';
import type { Transaction } from 'kysely';
import { type ContactDb, contactRepository as repo } from './contact-repository.ts';
import type { ContactService } from './contact-service.ts';
import { assertCanManageContacts } from './policy.ts';

const COLUMNS = ['name', 'email', 'mobile', 'employee_id', 'title', 'department', 'manager_email', 'is_admin'] as const;
const MAX_ROWS = 20_000;

/** Thrown inside the import transaction so that nothing of a failing file is kept. */
class RollBack extends Error {}

/**
 * Imports people and departments from CSV. Every row is checked first (in one transaction, against
 * the rows before it, so duplicates inside the file are caught too); with any error, or on a dry
 * run, the transaction is rolled back and nothing is half-imported.
 */
export class CsvImporter {
  constructor(
    private readonly contacts: ContactService,
    private readonly commands: CommandRunner,
  ) {}

  async run(ctx: RequestContext, csv: string, dryRun: boolean): Promise<ImportResult> {
    assertCanManageContacts(ctx);
    const result: ImportResult = { ok: false, dryRun, created: { users: 0, departments: 0 }, errors: [] };
    let records: Record<string, string>[];
    // The header as the CSV parser read it (quoted names unquoted), not as the first line's raw text.
    let columns: string[] = [];
    try {
      records = parse(csv.replace(/^\uFEFF/, ''), {
        columns: (header: string[]) => {
          columns = header.map((column) => column.trim().toLowerCase());
          return columns;
        },
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
      });
    } catch (error) {
      result.errors.push({ row: 1, message: `The file is not valid CSV: ${(error as Error).message}` });
      return result;
    }
    const unknown = columns.filter((c) => c && !(COLUMNS as readonly string[]).includes(c));
    if (unknown.length) result.errors.push({ row: 1, message: `Unknown columns: ${unknown.join(', ')}. Expected: ${COLUMNS.join(', ')}` });
    if (!columns.includes('name') || !columns.includes('email')) {
      result.errors.push({ row: 1, message: 'The header row must include name and email' });
    }
    if (records.length === 0) result.errors.push({ row: 1, message: 'The file has no data rows' });
    if (records.length > MAX_ROWS) result.errors.push({ row: 1, message: `At most ${MAX_ROWS} rows per import` });
    if (result.errors.length) return result;

    try {
      await this.commands.run(ctx, async (trx, emit) => {
        const tx = trx as unknown as Transaction<ContactDb>;
        const departmentByPath = new Map<string, string>();
        const pendingManagers: Array<{ row: number; userId: string; managerEmail: string }> = [];
        for (const [index, record] of records.entries()) {
          const rowNumber = index + 2;
          const parsed = CreateUserInput.safeParse({
            name: record.name,
            email: record.email,
            mobile: record.mobile || undefined,
            employeeId: record.employee_id || undefined,
            title: record.title || undefined,
            isAdmin: ['true', '1', 'yes', 'y', '是'].includes((record.is_admin ?? '').toLowerCase()) || undefined,
          });
          if (!parsed.success) {
            for (const issue of parsed.error.issues) {
              result.errors.push({ row: rowNumber, column: columnOf(String(issue.path[0] ?? '')), message: issue.message });
            }
            continue;
          }
          let departmentIds: string[] = [];
          if (record.department) {
            const departmentId = await this.ensureDepartmentPath(tx, ctx.tenantId, record.department, departmentByPath, result);
            if (departmentId) departmentIds = [departmentId];
          }
          try {
            const { row } = await this.contacts.insertUser(
              tx,
              ctx.tenantId,
              { ...parsed.data, departmentIds },
              { temporaryPassword: false },
            );
            result.created.users++;
            if (record.manager_email)
              pendingManagers.push({ row: rowNumber, userId: row.id, managerEmail: record.manager_email.toLowerCase() });
          } catch (error) {
            result.errors.push({ row: rowNumber, message: (error as Error).message });
          }
        }
        for (const pending of pendingManagers) {
          const [manager] = await repo.findUsersBy(tx, ctx.tenantId, 'email', [pending.managerEmail]);
          if (!manager)
            result.errors.push({ row: pending.row, column: 'manager_email', message: `No user with e-mail ${pending.managerEmail}` });
          else await repo.updateUser(tx, ctx.tenantId, pending.userId, { manager_id: manager.id });
        }
        if (result.errors.length || dryRun) throw new RollBack();
        await emit({
          type: contactEvents.usersImported,
          subjectType: 'tenant',
          subjectId: ctx.tenantId,
          payload: { users: result.created.users, departments: result.created.departments },
        });
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
    }
    result.ok = result.errors.length === 0;
    if (!result.ok) result.created = { users: 0, departments: 0 };
    return result;
  }

  private async ensureDepartmentPath(
    trx: Transaction<ContactDb>,
    tenantId: string,
    path: string,
    cache: Map<string, string>,
    result: ImportResult,
  ): Promise<string | undefined> {
    const parts = path
      .split('/')
      .map((part) => part.trim())
      .filter(Boolean);
    let parentId: string | null = null;
    let key = '';
    for (const part of parts) {
      if (part.length > 100) return undefined;
      key = `${key}/${part}`;
      const cached = cache.get(key);
      if (cached) {
        parentId = cached;
        continue;
      }
      const siblings = await repo.childDepartments(trx, tenantId, parentId);
      const existing = siblings.find((d) => d.name === part);
      const id: string = existing ? existing.id : await this.contacts.insertDepartment(trx, tenantId, { name: part, parentId });
      if (!existing) result.created.departments++;
      cache.set(key, id);
      parentId = id;
    }
    return parentId ?? undefined;
  }
}

function columnOf(field: string): string {
  return field === 'employeeId' ? 'employee_id' : field === 'isAdmin' ? 'is_admin' : field;
}
