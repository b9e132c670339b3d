export { ClientGateway, type GatewayIdentity } from './gateway.ts';
