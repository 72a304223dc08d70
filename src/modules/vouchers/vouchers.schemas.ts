import { z } from 'zod';
import { amountSchema, currencySchema, moneySchema } from '../../platform/money.js';
import { MAX_ISSUE_QUANTITY } from './issue.service.js';

/** Request and response shapes of the voucher and partner routes; they are also the OpenAPI description. */

export const idParams = z.object({ id: z.string().describe('the resource id') });

const SCOPES = ['own_stores', 'locations', 'partners'] as const;
const validAtSchema = z
  .object({
    scope: z.enum(SCOPES).describe('own_stores: every store of the brand; locations: the listed ones; partners: every store of the listed partners'),
    locationIds: z.array(z.string()).max(5000).optional().describe('with scope locations'),
    partnerIds: z.array(z.string()).max(500).optional().describe('with scope partners; defaults to the settled partner'),
  })
  .describe('where the voucher can be redeemed');
const validitySchema = z
  .union([
    z.object({ days: z.number().int().min(1).max(3650).describe('valid for this many days after issue') }).strict(),
    z.object({ until: z.iso.datetime({ offset: true }).describe('valid until this instant, whenever issued') }).strict(),
  ])
  .describe('either days after issue or a fixed end');
const settlementSchema = z
  .object({
    partnerId: z.string().describe('the partner paid for each redemption at its stores'),
    amountPerRedemption: amountSchema.describe('owed to the partner per redeemed use, in minor units of the face value currency'),
  })
  .describe('for partner-funded vouchers: who is settled, and how much per use');

export const newTemplateSchema = z.object({
  name: z.string().trim().min(1).max(200),
  variantId: z.string().nullish().describe('the catalog variant (of a service product) whose paid order lines issue this voucher'),
  usesPerVoucher: z.number().int().min(1).max(1000).describe('1 for single use; N for a multi-use card such as 10 classes'),
  validity: validitySchema,
  validAt: validAtSchema,
  faceValue: moneySchema.describe('what one voucher is worth'),
  settlement: settlementSchema.nullish(),
});

export const templateChangesSchema = newTemplateSchema
  .omit({ variantId: true })
  .partial()
  .extend({ status: z.enum(['active', 'archived']).optional().describe('archived templates issue no more vouchers') });

const moneyOut = z.object({ amount: z.number().int(), currency: z.string() });
const validAtOut = z.object({ scope: z.enum(SCOPES), locationIds: z.array(z.string()), partnerIds: z.array(z.string()) });
const settlementOut = z.object({ partnerId: z.string(), amountPerRedemption: z.number().int() }).nullable();

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  variantId: z.string().nullable(),
  status: z.enum(['active', 'archived']),
  usesPerVoucher: z.number().int(),
  validity: z.union([z.object({ days: z.number().int() }), z.object({ until: z.string() })]),
  validAt: validAtOut,
  faceValue: moneyOut,
  settlement: settlementOut,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const voucherSchema = z.object({
  id: z.string(),
  code: z.string().describe('grouped for reading, e.g. 7K3Q-J9XW-2M4T; masked for clerks'),
  templateId: z.string(),
  variantId: z.string().nullable(),
  customerId: z.string().nullable(),
  orderId: z.string().nullable(),
  orderLineId: z.string().nullable(),
  issueReason: z.string().nullable(),
  status: z.enum(['active', 'used_up', 'voided']),
  usesTotal: z.number().int(),
  usesLeft: z.number().int(),
  expiresAt: z.string(),
  validAt: validAtOut,
  faceValue: moneyOut,
  paidAmount: z.number().int().describe('what the shopper paid for it, in minor units; 0 when given away'),
  settlement: settlementOut,
  issuedAt: z.string(),
  voidedAt: z.string().nullable(),
});

export const shopperVoucherSchema = voucherSchema.extend({
  templateName: z.string(),
  qr: z.object({ payload: z.string().describe('what the QR encodes: the code'), svgDataUrl: z.string().describe('data:image/svg+xml;base64,…') }),
});

export const issueSchema = z.object({
  templateId: z.string(),
  customerId: z.string().nullish().describe('the shopper who receives them; none for vouchers handed out on paper'),
  quantity: z.number().int().min(1).max(MAX_ISSUE_QUANTITY),
  reason: z.string().trim().min(1).max(500).describe('why they were given, e.g. the promotion'),
});

export const redeemSchema = z.object({
  code: z.string().min(1).max(64).describe('as typed or scanned; case, spaces and dashes do not matter'),
  locationId: z.string().describe('the store where it is redeemed'),
});

export const redemptionSchema = z.object({
  id: z.string(),
  voucherId: z.string(),
  useNo: z.number().int().describe('the running number of this redemption of the voucher'),
  locationId: z.string(),
  redeemedBy: z.string(),
  redeemedAt: z.string(),
  reversedAt: z.string().nullable(),
  usesLeft: z.number().int(),
  voucher: voucherSchema,
});

export const lookupSchema = z.object({
  voucher: voucherSchema,
  templateName: z.string(),
  here: z
    .object({
      locationId: z.string(),
      redeemable: z.boolean(),
      reason: z.enum(['voucher_voided', 'voucher_not_valid_here', 'voucher_used_up', 'voucher_expired']).nullable(),
    })
    .nullable()
    .describe('with ?locationId: can it be redeemed there now, and if not, the error redeeming would give'),
});

export const newPartnerSchema = z.object({
  name: z.string().trim().min(1).max(200),
  contact: z
    .object({ name: z.string().max(200).optional(), email: z.string().email().optional(), phone: z.string().max(40).optional() })
    .strict()
    .optional(),
  settlement: z.object({
    currency: currencySchema.describe('the currency the partner is settled in; its vouchers must be in it'),
    cycle: z.enum(['weekly', 'monthly']).describe('how often statements are settled'),
    paymentDays: z.number().int().min(0).max(365).describe('days after a period closes that payment is due'),
    notes: z.string().max(2000).optional(),
  }),
});

export const partnerSchema = z.object({
  id: z.string(),
  name: z.string(),
  contact: z.object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() }),
  settlement: z.object({ currency: z.string(), cycle: z.enum(['weekly', 'monthly']), paymentDays: z.number().int(), notes: z.string().nullable() }),
  createdAt: z.string(),
});

export const statementSchema = z.object({
  partnerId: z.string(),
  partnerName: z.string(),
  currency: z.string(),
  from: z.string(),
  to: z.string(),
  lines: z.array(
    z.object({
      entryId: z.string(),
      occurredAt: z.string(),
      kind: z.enum(['redemption', 'reversal']),
      voucherId: z.string(),
      redemptionId: z.string(),
      locationId: z.string(),
      locationName: z.string().nullable(),
      amount: z.number().int().describe('owed to the partner; negative for a reversal'),
    }),
  ),
  totals: z.object({
    redemptions: z.number().int(),
    reversals: z.number().int(),
    gross: z.number().int().describe('sum of redemption lines'),
    reversed: z.number().int().describe('sum of reversal lines (zero or negative)'),
    net: z.number().int().describe('sum of all lines: what is owed for the period'),
  }),
});
