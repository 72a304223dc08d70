import { createHash } from 'node:crypto';
import type { Actor } from './auth.js';

/**
 * Remembers what a Bearer token resolved to for a few seconds, so a busy client does not pay a
 * database round trip on every request. This server forgets at once on sign-out, revocation or a
 * role change; another replica may honour a revoked token until its entry ages out (TTL_MS). See
 * docs/decisions/0003-token-cache.md.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  actor: Actor | null;
  until: number;
}

const entries = new Map<string, Entry>();
const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function cachedActor(token: string, load: () => Promise<Actor | null>, now = Date.now()): Promise<Actor | null> {
  const key = keyOf(token);
  const hit = entries.get(key);
  if (hit && hit.until > now) return hit.actor;
  const actor = await load();
  // Unknown tokens are not remembered: a key created a moment ago on another replica must work.
  if (actor) {
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, { actor, until: now + TTL_MS });
  } else {
    entries.delete(key);
  }
  return actor;
}

/** Drops one token (sign-out) from this server's memory. */
export function forgetToken(token: string): void {
  entries.delete(keyOf(token));
}

/** Drops every token of an actor (a revoked key, a disabled user, a changed role). */
export function forgetActor(actorId: string): void {
  for (const [k, e] of entries) if (e.actor?.id === actorId) entries.delete(k);
}

/** Drops every token (a change that alters what many actors may do, such as a store's partner). */
export function forgetEveryone(): void {
  entries.clear();
}
