import { errors } from '@kite/kernel/errors';
import type { z } from 'zod';

/**
 * Parses untrusted input with a zod schema; failure becomes a `validation_failed` AppError listing each
 * offending field, so every endpoint reports bad input the same way and changes nothing.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    throw errors.validation(`Invalid input: ${summary}`, { issues });
  }
  // PostgreSQL text cannot hold U+0000: refuse it here, as bad input, rather than fail in the database.
  const nulAt = findNul(result.data, []);
  if (nulAt !== undefined) {
    const message = 'Text may not contain NUL (U+0000) characters';
    throw errors.validation(`Invalid input: ${nulAt ? `${nulAt}: ` : ''}${message}`, { issues: [{ path: nulAt, message }] });
  }
  return result.data;
}

/** Whether any string in `value` (parsed JSON, say) contains U+0000, which PostgreSQL text cannot hold. */
export function containsNul(value: unknown): boolean {
  return findNul(value, []) !== undefined;
}

/** Path of the first string containing U+0000, or undefined. */
function findNul(value: unknown, path: Array<string | number>): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, [...path, index]);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
