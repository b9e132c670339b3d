import { CreateUserInput, contactEvents, type ImportResult } from '@kite/contact/contract';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner, NewEvent } from '@kite/platform/outbox';
import { parse } from 'csv-parse/sync';
import type { Transaction } from 'kysely';
import { type ContactDb, type NewUserRow, contactRepository as repo, takenError, type UserRow } from './contact-repository.ts';
import type { ContactService } from './contact-service.ts';
import { presentDepartmentEvent, presentUserEvent } from './open-presenters.ts';
import { assertCanManageContacts } from './policy.ts';

const COLUMNS = ['name', 'email', 'mobile', 'employee_id', 'title', 'department', 'manager_email', 'is_admin'] as const;
const MAX_ROWS = 20_000;
/** Values per `IN (…)` lookup: far below PostgreSQL's 65,535 bind parameters. */
const LOOKUP_CHUNK = 5000;

/** Thrown inside the import transaction so that nothing of a failing file is kept. */
class RollBack extends Error {}

type ImportError = ImportResult['errors'][number];

/** A data row that passed validation: what to create, and what it refers to. */
interface Candidate {
  /** Line number in the file (the header is row 1). */
  row: number;
  input: CreateUserInput;
  departmentPath?: string;
  managerEmail?: string;
}

/** The unique fields of a person, with their CSV column and how an error names them. */
const UNIQUE_FIELDS = [
  { column: 'email', lookup: 'email', label: 'e-mail', value: (input: CreateUserInput) => input.email ?? undefined },
  { column: 'mobile', lookup: 'mobile', label: 'mobile', value: (input: CreateUserInput) => input.mobile || undefined },
  { column: 'employee_id', lookup: 'user_id', label: 'employee id', value: (input: CreateUserInput) => input.employeeId },
] as const;

/**
 * Imports people and departments from CSV. Every row is checked first — against the rows before it
 * (duplicates inside the file) and against the directory — and nothing is written when any row is
 * wrong or on a dry run. The checks and writes are set-based (a few queries per file, not per row),
 * so thousands of people import in seconds even on the embedded database. Each imported person is
 * announced with `contact.user.created` (and each new department with `contact.department.created`),
 * exactly as if created one by one, so apps and open web clients hear of them; the summary
 * `contact.users.imported` follows.
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
        const { tenantId } = ctx;
        const candidates = validateRows(records, result.errors);
        await checkUnique(tx, tenantId, candidates, result.errors);

        // Departments named by path, found or created (the creations roll back with everything else).
        const departmentByPath = new Map<string, string>();
        const createdDepartments: string[] = [];
        const departmentOf = new Map<Candidate, string>();
        for (const candidate of candidates) {
          if (!candidate.departmentPath) continue;
          const departmentId = await this.ensureDepartmentPath(
            tx,
            tenantId,
            candidate.departmentPath,
            departmentByPath,
            createdDepartments,
          );
          if (departmentId) departmentOf.set(candidate, departmentId);
        }
        result.created.departments = createdDepartments.length;

        const rows = candidates.map((candidate) =>
          this.contacts.newUserRow(tenantId, { ...candidate.input, departmentIds: [], managerId: null }),
        );
        const existingManagers = await resolveManagers(tx, tenantId, candidates, rows, result.errors);
        result.created.users = rows.length;
        if (result.errors.length || dryRun) throw new RollBack();

        const stored = await repo.insertUsers(tx, rows);
        await repo.insertUserDepartments(
          tx,
          candidates.flatMap((candidate, index) => {
            const departmentId = departmentOf.get(candidate);
            return departmentId ? [{ tenant_id: tenantId, user_id: rows[index]!.id, department_id: departmentId }] : [];
          }),
        );

        // The events carry the same payloads as single creations, built from the rows in hand plus
        // one query for the departments' public ids.
        const departments = new Map(
          (await repo.findDepartmentsBy(tx, tenantId, 'id', [...new Set(departmentByPath.values())])).map((row) => [row.id, row]),
        );
        const usersById = new Map<string, UserRow>([...existingManagers, ...stored].map((row) => [row.id, row]));
        const events: NewEvent[] = [];
        for (const id of createdDepartments) {
          const department = departments.get(id)!;
          events.push({
            type: contactEvents.departmentCreated,
            subjectType: 'department',
            subjectId: id,
            payload: presentDepartmentEvent(
              department,
              department.parent_id ? departments.get(department.parent_id) : undefined,
              undefined,
            ),
          });
        }
        for (const [index, row] of stored.entries()) {
          const departmentId = departmentOf.get(candidates[index]!);
          const openDepartmentIds = departmentId ? [departments.get(departmentId)!.open_department_id] : [];
          events.push({
            type: contactEvents.userCreated,
            subjectType: 'user',
            subjectId: row.id,
            payload: presentUserEvent(row, openDepartmentIds, row.manager_id ? usersById.get(row.manager_id) : undefined),
          });
        }
        events.push({
          type: contactEvents.usersImported,
          subjectType: 'tenant',
          subjectId: tenantId,
          payload: { users: result.created.users, departments: result.created.departments },
        });
        await emit(events);
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
    }
    result.errors.sort((a, b) => a.row - b.row);
    result.ok = result.errors.length === 0;
    if (!result.ok) result.created = { users: 0, departments: 0 };
    return result;
  }

  private async ensureDepartmentPath(
    trx: Transaction<ContactDb>,
    tenantId: string,
    path: string,
    cache: Map<string, string>,
    created: string[],
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
      if (!existing) created.push(id);
      cache.set(key, id);
      parentId = id;
    }
    return parentId ?? undefined;
  }
}

/** Field-level checks of every row (the same schema as creating one person). */
function validateRows(records: Record<string, string>[], errors: ImportError[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [index, record] of records.entries()) {
    const row = index + 2;
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
        errors.push({ row, column: columnOf(String(issue.path[0] ?? '')), message: issue.message });
      }
      continue;
    }
    candidates.push({
      row,
      input: parsed.data,
      ...(record.department ? { departmentPath: record.department } : {}),
      ...(record.manager_email ? { managerEmail: record.manager_email.toLowerCase() } : {}),
    });
  }
  return candidates;
}

/** E-mail, mobile and employee id must be new to the tenant and appear once in the file. */
async function checkUnique(trx: Transaction<ContactDb>, tenantId: string, candidates: Candidate[], errors: ImportError[]) {
  for (const field of UNIQUE_FIELDS) {
    const firstRow = new Map<string, number>();
    for (const candidate of candidates) {
      const value = field.value(candidate.input);
      if (!value) continue;
      const earlier = firstRow.get(value);
      if (earlier === undefined) firstRow.set(value, candidate.row);
      else errors.push({ row: candidate.row, column: field.column, message: `Row ${earlier} has the same ${field.label}` });
    }
    const taken = new Set(
      (await findUsersIn(trx, tenantId, field.lookup, [...firstRow.keys()])).map((user) => user[field.lookup] as string),
    );
    for (const [value, row] of firstRow) {
      if (taken.has(value)) errors.push({ row, column: field.column, message: takenError(field.column).message });
    }
  }
}

/**
 * Sets each new row's manager: a person earlier or later in the file, or already in the directory.
 * Returns the directory people it used (for the events).
 */
async function resolveManagers(
  trx: Transaction<ContactDb>,
  tenantId: string,
  candidates: Candidate[],
  rows: NewUserRow[],
  errors: ImportError[],
): Promise<UserRow[]> {
  const inFile = new Map<string, string>();
  for (const [index, candidate] of candidates.entries()) {
    if (candidate.input.email && !inFile.has(candidate.input.email)) inFile.set(candidate.input.email, rows[index]!.id);
  }
  const elsewhere = [...new Set(candidates.flatMap((c) => (c.managerEmail && !inFile.has(c.managerEmail) ? [c.managerEmail] : [])))];
  const existing = await findUsersIn(trx, tenantId, 'email', elsewhere);
  const existingByEmail = new Map(existing.map((user) => [user.email!, user.id]));
  for (const [index, candidate] of candidates.entries()) {
    if (!candidate.managerEmail) continue;
    const managerId = inFile.get(candidate.managerEmail) ?? existingByEmail.get(candidate.managerEmail);
    if (!managerId) {
      errors.push({ row: candidate.row, column: 'manager_email', message: `No user with e-mail ${candidate.managerEmail}` });
    } else if (managerId === rows[index]!.id) {
      errors.push({ row: candidate.row, column: 'manager_email', message: 'A person cannot be their own manager' });
    } else {
      rows[index]!.manager_id = managerId;
    }
  }
  return existing;
}

async function findUsersIn(
  trx: Transaction<ContactDb>,
  tenantId: string,
  column: 'email' | 'mobile' | 'user_id',
  values: readonly string[],
): Promise<UserRow[]> {
  const found: UserRow[] = [];
  for (let start = 0; start < values.length; start += LOOKUP_CHUNK) {
    found.push(...(await repo.findUsersBy(trx, tenantId, column, values.slice(start, start + LOOKUP_CHUNK))));
  }
  return found;
}

function columnOf(field: string): string {
  return field === 'employeeId' ? 'employee_id' : field === 'isAdmin' ? 'is_admin' : field;
}
