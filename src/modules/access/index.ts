export { accessRoutes } from './access.routes.js';
export { authenticate, ensureOwner, createStaff, createApiKey, signIn, type StaffUser, type ApiKey } from './access.service.js';
