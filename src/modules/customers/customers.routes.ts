import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LOCALES, requestedLocale } from './contact.js';
import type { CodeDelivery } from './code-delivery.js';
import { requestSignInCode } from './sign-in-codes.js';
import { requireShopper, signInShopper, signOutShopper } from './shopper-sessions.js';
import { getCustomer, searchCustomers, updateProfile } from './customers.service.js';

const customerSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable().describe('E.164'),
  name: z.string().nullable(),
  birthday: z.string().nullable().describe('YYYY-MM-DD'),
  locale: z.enum(LOCALES).nullable(),
  emailVerifiedAt: z.string().nullable().describe('set once the shopper signed in with this email'),
  phoneVerifiedAt: z.string().nullable().describe('set once the shopper signed in with this phone'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const contact = {
  email: z.string().max(320).optional().describe('the email to sign in with; or phone'),
  phone: z.string().max(32).optional().describe('the mobile number in E.164, e.g. +8613800138000; or email'),
  locale: z.enum(LOCALES).optional().describe('the shopper\'s language (of the code message, and of a new account); defaults to Accept-Language'),
};

export function customersRoutes(app: FastifyInstance, delivery: CodeDelivery): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const shopperTags = ['Shopper account'];
  const tags = ['Customers'];

  r.post('/v1/shopper/auth/codes', {
    config: { access: 'public' },
    schema: {
      tags: shopperTags,
      summary: 'Send a one-time sign-in code to an email or phone',
      description: 'At most one code a minute and five an hour per email or phone. A new code replaces the previous one.',
      security: [],
      body: z.object(contact),
      response: {
        202: z.object({
          channel: z.enum(['email', 'phone']),
          expiresInSeconds: z.number().int(),
          resendAfterSeconds: z.number().int(),
        }),
      },
    },
  }, async (req, reply) => {
    const locale = requestedLocale(req.body.locale, req.headers['accept-language']) ?? 'en';
    return reply.code(202).send(await requestSignInCode(req.ctx, delivery, { ...req.body, locale }));
  });

  r.post('/v1/shopper/auth/sessions', {
    config: { access: 'public' },
    schema: {
      tags: shopperTags,
      summary: 'Sign in with the code; the account is created on first sign-in',
      description: 'A code is good for 10 minutes, once, and for 5 tries.',
      security: [],
      body: z.object({ ...contact, code: z.string().regex(/^\d{6}$/, 'the 6-digit code').describe('the 6-digit code received') }),
      response: { 201: z.object({ token: z.string().describe('shs_… Bearer token'), expiresAt: z.string(), customer: customerSchema }) },
    },
  }, async (req, reply) => {
    const locale = requestedLocale(req.body.locale, req.headers['accept-language']);
    return reply.code(201).send(await signInShopper(req.ctx, { ...req.body, locale }));
  });

  r.delete('/v1/shopper/auth/sessions/current', {
    config: { access: 'authenticated' },
    schema: { tags: shopperTags, summary: 'Sign the shopper out', response: { 204: z.null() } },
  }, async (req, reply) => {
    requireShopper(req.actor);
    await signOutShopper(req.ctx.db, req.headers.authorization!.slice(7).trim());
    return reply.code(204).send(null);
  });

  r.get('/v1/shopper/me', {
    config: { access: 'authenticated' },
    schema: { tags: shopperTags, summary: "The signed-in shopper's profile", response: { 200: customerSchema } },
  }, async (req) => getCustomer(req.ctx, requireShopper(req.actor).customerId));

  r.patch('/v1/shopper/me', {
    config: { access: 'authenticated' },
    schema: {
      tags: shopperTags,
      summary: "Change the signed-in shopper's name, birthday or language",
      body: z.object({
        name: z.string().max(200).nullable().optional(),
        birthday: z.iso.date().nullable().optional().describe('YYYY-MM-DD; null clears it'),
        locale: z.enum(LOCALES).nullable().optional(),
      }),
      response: { 200: customerSchema },
    },
  }, async (req) => updateProfile(req.ctx, requireShopper(req.actor).customerId, req.body));

  r.get('/v1/customers', {
    config: { access: { scope: 'customers:read' } },
    schema: {
      tags,
      summary: 'Find customers by part of their email, phone or name',
      querystring: z.object({
        q: z.string().max(200).optional().describe('matches part of email, phone or name'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        after: z.string().optional().describe('the `next` of the previous page'),
      }),
      response: { 200: z.object({ data: z.array(customerSchema), next: z.string().nullable() }) },
    },
  }, async (req) => searchCustomers(req.ctx, req.query));

  r.get('/v1/customers/:id', {
    config: { access: { scope: 'customers:read' } },
    schema: { tags, summary: 'One customer', params: z.object({ id: z.string() }), response: { 200: customerSchema } },
  }, async (req) => getCustomer(req.ctx, req.params.id));
}
