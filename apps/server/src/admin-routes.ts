import { timingSafeEqual } from 'node:crypto';
import { errors } from '@kite/kernel/errors';
import { listAuditLog } from '@kite/platform/audit';
import type { Authenticators } from '@kite/platform/http';
import type { PlatformTables } from '@kite/platform/platform-tables';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { CliRequest, runCliCommand } from './cli-commands.ts';
import type { Kite } from './kite-instance.ts';

const AuditQuery = z.object({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  action: z.string().max(100).optional(),
});

export function registerAdminRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<PlatformTables>; authenticate: Authenticators; adminSecret?: string; cli: () => Kite },
): void {
  app.get('/api/admin/audit', async (request) => {
    const ctx = await deps.authenticate.user(request);
    if (!ctx.isTenantAdmin) throw errors.forbidden('Only administrators read the audit log');
    const query = parseInput(AuditQuery, request.query);
    return listAuditLog(deps.db, ctx.tenantId, { before: query.cursor, limit: query.limit, action: query.action });
  });

  // The CLI's channel into a running server on the same data dir (PGlite allows one process). Only
  // callers that can read the data dir know the secret; only loopback callers are heard.
  app.post('/api/_cli', async (request) => {
    const secret = deps.adminSecret;
    const given = String(request.headers['x-kite-admin-secret'] ?? '');
    const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
    if (!secret || !loopback || given.length !== secret.length || !timingSafeEqual(Buffer.from(given), Buffer.from(secret))) {
      throw errors.forbidden('Admin channel refused');
    }
    return runCliCommand(deps.cli(), parseInput(CliRequest, request.body));
  });
}
