import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.js';

/**
 * Publishable keys live in storefront code anyone can read, so they see what shoppers see (channels,
 * categories, a channel's products) and nothing more: not drafts, price lists or reports.
 */
export async function denyPublishable(req: FastifyRequest): Promise<void> {
  if (req.actor.kind === 'api_key' && req.actor.publishable) {
    throw new AppError('forbidden', 'a publishable key reads only the storefront; use a secret key or staff sign-in', { scope: 'catalog:read' });
  }
}
