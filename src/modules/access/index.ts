export { accessRoutes } from './access.routes.js';
export { authenticate, ensureOwner, createStaff, createApiKey, listApiKeys, revokeApiKey, signIn, type StaffUser, type ApiKey } from './access.service.js';
