import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireShopper } from '../customers/index.js';
import * as s from './loyalty.schemas.js';
import { currentMemberCode, enrolMember, getMembership, listEntries, resolveMemberCode } from './members.service.js';
import { adjustPoints } from './points.service.js';
import { redeemReward } from './mall.service.js';
import {
  createEarnRule,
  createReward,
  createTier,
  deleteEarnRule,
  deleteTier,
  listEarnRules,
  listRewards,
  updateEarnRule,
  updateReward,
  updateTier,
} from './config.service.js';
import { loadTiers } from './tiers.service.js';

// Clerks hold customers:read: they look members up and scan member codes at the till.
const read = { access: { scope: 'customers:read' } };
const write = { access: { scope: 'customers:write' } };
const shopper = { access: 'authenticated' as const };

export function loyaltyRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Loyalty'];
  const shopperTags = ['Shopper'];

  r.post('/v1/members', {
    config: write,
    schema: {
      tags,
      summary: 'Enrol a customer as a member (once; enrolling again returns the membership)',
      body: z.object({ customerId: z.string().min(1) }),
      response: { 200: s.membershipSchema, 201: s.membershipSchema },
    },
  }, async (req, reply) => {
    const { membership, created } = await enrolMember(req.ctx, req.body.customerId, 'staff');
    return reply.code(created ? 201 : 200).send(membership);
  });

  r.post('/v1/members/resolve-code', {
    config: read,
    schema: {
      tags,
      summary: "Resolve a scanned member code to the member's balance and tier",
      description: 'The pass it returns lets a till sale for this member spend their points (POST /v1/pos/sales, memberPass) for 15 minutes.',
      body: z.object({ code: z.string().min(1).max(200) }),
      response: { 200: s.membershipSchema.extend({ pass: z.object({ token: z.string(), expiresAt: z.string() }).describe("proof the member showed their code, for this sale's points") }) },
    },
  }, async (req) => resolveMemberCode(req.ctx, req.body.code));

  r.get('/v1/members/:customerId', {
    config: read,
    schema: { tags, summary: "A member's balance, frozen points, tier and progress to the next", params: s.customerParams, response: { 200: s.membershipSchema } },
  }, async (req) => getMembership(req.ctx, req.params.customerId));

  r.get('/v1/members/:customerId/points', {
    config: read,
    schema: { tags, summary: "A member's points history, newest first", params: s.customerParams, querystring: s.historyQuery, response: { 200: s.historySchema } },
  }, async (req) => listEntries(req.ctx, req.params.customerId, req.query));

  r.post('/v1/members/:customerId/points/adjust', {
    config: write,
    schema: {
      tags,
      summary: 'Credit or debit points by hand, with a reason',
      description: 'A credit is a new lot with the usual expiry; a debit takes from the soonest-expiring lots and fails with insufficient_points rather than go below zero.',
      params: s.customerParams,
      body: s.adjustSchema,
      response: { 201: s.spendResultSchema },
    },
  }, async (req, reply) => reply.code(201).send(await adjustPoints(req.ctx, { customerId: req.params.customerId, ...req.body })));

  r.get('/v1/loyalty/earn-rules', {
    config: read,
    schema: { tags, summary: 'Earn rules in force', response: { 200: z.object({ data: z.array(s.earnRuleSchema) }) } },
  }, async (req) => ({ data: await listEarnRules(req.ctx) }));

  r.post('/v1/loyalty/earn-rules', {
    config: write,
    schema: { tags, summary: 'Add an earn rule (one per channel kind, plus one for every other channel)', body: s.newEarnRuleSchema, response: { 201: s.earnRuleSchema } },
  }, async (req, reply) => reply.code(201).send(await createEarnRule(req.ctx, req.body)));

  r.patch('/v1/loyalty/earn-rules/:id', {
    config: write,
    schema: { tags, summary: 'Change an earn rule; orders already paid keep what they earned', params: s.idParams, body: s.earnRulePatchSchema, response: { 200: s.earnRuleSchema } },
  }, async (req) => updateEarnRule(req.ctx, req.params.id, req.body));

  r.delete('/v1/loyalty/earn-rules/:id', {
    config: write,
    schema: { tags, summary: 'Retire an earn rule', params: s.idParams, response: { 204: z.null() } },
  }, async (req, reply) => {
    await deleteEarnRule(req.ctx, req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/v1/loyalty/tiers', {
    config: read,
    schema: { tags, summary: 'Tiers, lowest threshold first', response: { 200: z.object({ data: z.array(s.tierSchema) }) } },
  }, async (req) => ({ data: await loadTiers(req.ctx.db) }));

  r.post('/v1/loyalty/tiers', {
    config: write,
    schema: { tags, summary: 'Add a tier', description: 'Members move into it as their spend is next recomputed.', body: s.newTierSchema, response: { 201: s.tierSchema } },
  }, async (req, reply) => reply.code(201).send(await createTier(req.ctx, req.body)));

  r.patch('/v1/loyalty/tiers/:id', {
    config: write,
    schema: { tags, summary: "Change a tier's threshold or benefits", params: s.idParams, body: s.tierPatchSchema, response: { 200: s.tierSchema } },
  }, async (req) => updateTier(req.ctx, req.params.id, req.body));

  r.delete('/v1/loyalty/tiers/:id', {
    config: write,
    schema: { tags, summary: 'Remove a tier no member is in', params: s.idParams, response: { 204: z.null() } },
  }, async (req, reply) => {
    await deleteTier(req.ctx, req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/v1/loyalty/rewards', {
    config: read,
    schema: { tags, summary: 'Points-mall rewards, cheapest first', response: { 200: z.object({ data: z.array(s.rewardSchema) }) } },
  }, async (req) => ({ data: await listRewards(req.ctx, { activeOnly: false }) }));

  r.post('/v1/loyalty/rewards', {
    config: write,
    schema: { tags, summary: 'Offer a coupon in the points mall', body: s.newRewardSchema, response: { 201: s.rewardSchema } },
  }, async (req, reply) => reply.code(201).send(await createReward(req.ctx, req.body)));

  r.patch('/v1/loyalty/rewards/:id', {
    config: write,
    schema: { tags, summary: 'Change or withdraw (active: false) a reward', params: s.idParams, body: s.rewardPatchSchema, response: { 200: s.rewardSchema } },
  }, async (req) => updateReward(req.ctx, req.params.id, req.body));

  r.get('/v1/shopper/membership', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'My membership: balance, frozen points, tier and progress', response: { 200: s.membershipSchema } },
  }, async (req) => getMembership(req.ctx, requireShopper(req.actor).customerId));

  r.post('/v1/shopper/membership', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'Join the membership (once)', response: { 200: s.membershipSchema, 201: s.membershipSchema } },
  }, async (req, reply) => {
    const { membership, created } = await enrolMember(req.ctx, requireShopper(req.actor).customerId, 'shopper');
    return reply.code(created ? 201 : 200).send(membership);
  });

  r.get('/v1/shopper/points', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'My points history, newest first', querystring: s.historyQuery, response: { 200: s.historySchema } },
  }, async (req) => listEntries(req.ctx, requireShopper(req.actor).customerId, req.query));

  r.get('/v1/shopper/member-code', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'My member code to show in store (rotates every 30 seconds)', response: { 200: s.memberCodeSchema } },
  }, async (req) => currentMemberCode(req.ctx, requireShopper(req.actor).customerId));

  r.get('/v1/shopper/points-mall/rewards', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'Rewards I can buy with points', response: { 200: z.object({ data: z.array(s.rewardSchema) }) } },
  }, async (req) => {
    requireShopper(req.actor);
    return { data: await listRewards(req.ctx, { activeOnly: true }) };
  });

  r.post('/v1/shopper/points-mall/redeem', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'Spend points on a reward; its coupon is granted at once', body: z.object({ rewardId: z.string().min(1) }), response: { 201: s.redemptionSchema } },
  }, async (req, reply) => reply.code(201).send(await redeemReward(req.ctx, { customerId: requireShopper(req.actor).customerId, rewardId: req.body.rewardId })));
}
