export { AuthService, type ClientInfo, type SessionInfo, sha256 } from './auth-service.ts';
export { InvitationService } from './invitation-service.ts';
export { authMigrations } from './migrations.ts';
export { CSRF_COOKIE, registerAuthRoutes, SESSION_COOKIE } from './routes.ts';
