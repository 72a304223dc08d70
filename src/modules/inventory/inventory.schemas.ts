import { z } from 'zod';

export const quantity = z.number().int().positive().max(1_000_000).describe('whole units, above 0');
export const referenceSchema = z.object({ type: z.string().min(1).max(50), id: z.string().min(1).max(200) }).describe('what the stock is for, e.g. { type: "order", id: "ord_…" }');
export const expiresSchema = z.number().int().positive().max(30 * 24 * 3600).nullable().optional()
  .describe('seconds the stock is held (default 900); null holds it until confirmed or released');

export const levelSchema = z.object({
  variantId: z.string(),
  locationId: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int().describe('on hand − reserved'),
});

export const reservationSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'confirmed', 'released', 'expired']),
  channelId: z.string().nullable(),
  reference: referenceSchema.nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  lines: z.array(z.object({
    variantId: z.string(),
    locationId: z.string(),
    quantity: z.number().int(),
    bundleVariantId: z.string().nullable().describe('the bundle this component line was reserved for'),
  })),
});

export const transferSchema = z.object({
  id: z.string(),
  sourceLocationId: z.string(),
  destinationLocationId: z.string(),
  status: z.enum(['draft', 'in_transit', 'received', 'cancelled']),
  note: z.string().nullable(),
  lines: z.array(z.object({ variantId: z.string(), quantity: z.number().int(), receivedQuantity: z.number().int() })),
  createdAt: z.string(),
  shippedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});

export const availabilitySchema = z.object({
  variantId: z.string(),
  available: z.number().int().describe('available-to-promise on the channel'),
  safetyStock: z.number().int(),
  locations: z.array(z.object({ locationId: z.string(), available: z.number().int().describe('what this location may promise the channel') })),
});

/** Comma-separated ids in a query string. */
export const idList = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
