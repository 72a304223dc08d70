import type { AnyDb } from '../platform/db.js';
import { ensureOwner } from '../modules/access/index.js';

export const DEMO_OWNER = { email: 'owner@demo.omniloop.dev', password: 'omniloop-demo' };

/** Loads the demo brand into an empty database; returns the owner's sign-in when it created one. */
export async function seedDemo(db: AnyDb): Promise<{ email: string; password: string } | null> {
  return ensureOwner(db, DEMO_OWNER.email, DEMO_OWNER.password);
}
