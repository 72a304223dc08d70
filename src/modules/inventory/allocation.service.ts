import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { getLocations, nearestLocations } from '../stores/index.js';
import { bundleComponents } from './bundles.service.js';
import { channelAvailability, getChannelLocations } from './channels.service.js';
import { expandBundles, splitLine } from './availability.js';
import { reservePlanned, type PlannedLine, type Reservation } from './reservations.service.js';

export const STRATEGIES = ['priority', 'nearest', 'most_stock'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface AllocateInput {
  channelId: string;
  lines: Array<{ variantId: string; quantity: number }>;
  strategy: Strategy;
  point?: { lat: number; lng: number } | null;
  /** Only these of the channel's locations (e.g. the stores offering pickup). */
  locationIds?: string[];
  expiresInSeconds?: number | null;
  reference?: { type: string; id: string } | null;
}

export interface Allocation {
  reservation: Reservation;
  plan: Array<{ variantId: string; locationId: string; quantity: number }>;
}

/** A concurrent reservation may take stock between planning and reserving: plan again this often. */
const ATTEMPTS = 3;

/**
 * Splits each line over the channel's serving locations in the strategy's order and reserves the
 * whole plan, all or nothing. Bundles are planned as their components.
 */
export async function allocateStock(ctx: Ctx, input: AllocateInput): Promise<Allocation> {
  input.lines.forEach((l, i) => {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new AppError('validation_failed', 'quantity is a whole number above 0', { field: `lines.${i}.quantity` });
  });
  if (!input.lines.length) throw new AppError('validation_failed', 'an allocation has at least one line', { field: 'lines' });
  if (input.strategy === 'nearest' && !input.point) throw new AppError('validation_failed', 'the nearest strategy needs a point', { field: 'point' });
  const ordered = await candidateLocations(ctx, input);
  const components = await bundleComponents(ctx.db, input.lines.map((l) => l.variantId));
  const lines = expandBundles(input.lines.map((l, i) => ({ ...l, index: i })), components);
  for (let attempt = 1; ; attempt++) {
    const planned = await plan(ctx, input.channelId, lines, ordered, input.strategy);
    try {
      const reservation = await reservePlanned(ctx, planned, { channelId: input.channelId, expiresInSeconds: input.expiresInSeconds, reference: input.reference });
      return { reservation, plan: planned.map((p) => ({ variantId: p.variantId, locationId: p.locationId, quantity: p.quantity })) };
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'insufficient_stock') || attempt >= ATTEMPTS) throw err;
    }
  }
}

/** The channel's active serving locations, in the order the strategy prefers (most_stock re-sorts per line). */
async function candidateLocations(ctx: Ctx, input: AllocateInput): Promise<string[]> {
  const served = (await getChannelLocations(ctx, input.channelId)).locations.filter((l) => !input.locationIds || input.locationIds.includes(l.locationId));
  if (!served.length) throw new AppError('no_serving_locations', `no location serves channel ${input.channelId}${input.locationIds ? ' among the given locations' : ''}`, { field: input.locationIds ? 'locationIds' : 'channelId' });
  const ids = served.map((l) => l.locationId);
  if (input.strategy === 'nearest') {
    const near = await nearestLocations(ctx, { lat: input.point!.lat, lng: input.point!.lng, limit: ids.length, ids });
    return near.filter((l) => l.active).map((l) => l.id);
  }
  const channelPriority = new Map(served.map((l) => [l.locationId, l.priority]));
  const locations = (await getLocations(ctx, ids)).filter((l) => l.active);
  locations.sort((a, b) => channelPriority.get(a.id)! - channelPriority.get(b.id)! || a.priority - b.priority || (a.id < b.id ? -1 : 1));
  return locations.map((l) => l.id);
}

async function plan(ctx: Ctx, channelId: string, lines: Array<Omit<PlannedLine, 'locationId'>>, ordered: string[], strategy: Strategy): Promise<PlannedLine[]> {
  const atp = await channelAvailability(ctx, { channelId, variantIds: [...new Set(lines.map((l) => l.variantId))] });
  const budget = new Map(atp.map((a) => [a.variantId, a.available]));
  const left = new Map(atp.flatMap((a) => a.locations.map((l) => [`${a.variantId}|${l.locationId}`, l.available] as const)));
  const rank = new Map(ordered.map((id, i) => [id, i]));
  const out: PlannedLine[] = [];
  for (const line of lines) {
    let candidates = ordered.map((locationId) => ({ locationId, promisable: left.get(`${line.variantId}|${locationId}`) ?? 0 }));
    if (strategy === 'most_stock') candidates = candidates.sort((a, b) => b.promisable - a.promisable || rank.get(a.locationId)! - rank.get(b.locationId)!);
    const total = budget.get(line.variantId) ?? 0;
    const parts = line.quantity <= total ? splitLine(line.quantity, candidates) : null;
    if (!parts) {
      const reachable = Math.min(total, candidates.reduce((a, c) => a + c.promisable, 0));
      throw new AppError('insufficient_stock', `only ${reachable} of ${line.variantId} can be promised on this channel`, { field: `lines.${line.index}.quantity`, variantId: line.variantId, available: reachable });
    }
    budget.set(line.variantId, total - line.quantity);
    for (const p of parts) {
      left.set(`${line.variantId}|${p.locationId}`, (left.get(`${line.variantId}|${p.locationId}`) ?? 0) - p.quantity);
      out.push({ variantId: line.variantId, locationId: p.locationId, quantity: p.quantity, bundleVariantId: line.bundleVariantId, index: line.index });
    }
  }
  return out;
}
