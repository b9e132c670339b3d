import { errors } from '@kite/kernel/errors';
import type { z } from 'zod';

/**
 * Parses untrusted input with a zod schema; failure becomes a `validation_failed` AppError listing each
 * offending field, so every endpoint reports bad input the same way and changes nothing.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  throw errors.validation(`Invalid input: ${summary}`, { issues });
}
