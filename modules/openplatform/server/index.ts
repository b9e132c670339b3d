export { registerCardTemplateRoutes } from './card-template-routes.ts';
export { CardTemplateService } from './card-template-service.ts';
export { openPlatformMigrations } from './migrations.ts';
export { createOpenAuthenticator, openErrors } from './open-authenticator.ts';
export { hashToken, OpenPlatformService, type ResolvedToken } from './open-platform-service.ts';
export { registerOpenPlatformRoutes } from './routes.ts';
export { createTokenRevocationHandler, TOKEN_REVOCATION_CONSUMER } from './token-revocation.ts';
