import type { ModuleHost } from '../platform/module.js';

/** Every domain module's `register`, in the order their routes appear in the API description. */
export const modules: Array<(host: ModuleHost) => void> = [];
