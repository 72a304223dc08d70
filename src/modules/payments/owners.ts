import { AppError } from '../../platform/errors.js';
import { boundStores } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';

/**
 * What a payment pays for can own it: an order keeps its own refunded total and status, and decides
 * who may see it (a shopper their own, a clerk those at their stores). The module that owns a
 * reference type registers it once.
 */
export interface PaymentOwner {
  /** The route that refunds this owner's payments, named when a direct refund is refused. */
  refundRoute: string;
  /** Throws not_found when the actor may not see the thing `id` names. */
  reveal(ctx: Ctx, id: string): Promise<unknown>;
}

const OWNERS = new Map<string, PaymentOwner>();

export function ownPayments(referenceType: string, owner: PaymentOwner): void {
  OWNERS.set(referenceType, owner);
}

export const ownerOf = (referenceType: string): PaymentOwner | undefined => OWNERS.get(referenceType);

/**
 * Whether the actor may see what a payment is for. Only shoppers and clerks see less than all of it;
 * a payment no module owns is seen with the scope alone.
 */
export async function mayReveal(ctx: Ctx, reference: { type: string; id: string }): Promise<boolean> {
  const owner = OWNERS.get(reference.type);
  if (!owner || (ctx.actor.kind !== 'shopper' && !boundStores(ctx.actor))) return true;
  try {
    await owner.reveal(ctx, reference.id);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return false;
    throw err;
  }
}
