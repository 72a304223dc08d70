/**
 * Response serialization: the zod serializer (validate, then JSON.stringify) against the one
 * compiled from the same schema by fast-json-stringify (src/platform/serializer.ts), on a pricing
 * answer the size of the pricing benchmark's (10 lines, 37 applied, 67 explained as not applied).
 *
 *   npm run bench -- serializer
 */
import os from 'node:os';
import { serializerCompiler as zodSerializer } from 'fastify-type-provider-zod';
import { serializerCompiler } from '../src/platform/serializer.js';
import { pricingResultSchema } from '../src/modules/promotions/promotions.schemas.js';

const RUNS = 20_000;
const route = { schema: pricingResultSchema, method: 'POST', url: '/v1/promotions/preview', httpStatus: '200' };
const answer = {
  currency: 'CNY',
  subtotal: 100_000,
  discountTotal: 5000,
  total: 96_000,
  lines: Array.from({ length: 10 }, (_, i) => ({ lineId: `l${i}`, subtotal: 10_000, discount: 500, total: 9500, adjustments: [{ promotionId: `prm_01JD7Q0${i}`, name: `percentage ${i}`, amount: 250 }, { promotionId: 'prm_01JD7Q1', name: 'fixed', amount: 250 }] })),
  giftLines: [],
  shipping: { amount: 0, adjustments: [] },
  applied: Array.from({ length: 37 }, (_, i) => ({ promotionId: `prm_01JD7QA${i}`, name: `percentage ${i}`, trigger: 'automatic', amount: 100 })),
  notApplied: Array.from({ length: 67 }, (_, i) => ({ promotionId: `prm_01JD7QB${i}`, reason: 'condition_not_met', detail: 'needs a subtotal of 200.00 on its lines' })),
};

const serializers = { zod: zodSerializer(route as never), 'fast-json-stringify': serializerCompiler(route as never) };
if (serializers.zod(answer) !== serializers['fast-json-stringify'](answer)) throw new Error('the two serializers disagree');
const cpus = os.cpus();
console.log(`machine: ${cpus.length} cores ${cpus[0]?.model ?? ''}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`pricing answer of ${serializers.zod(answer).length} bytes, ${RUNS} runs each after warm-up (same output from both):`);
for (const [name, write] of Object.entries(serializers)) {
  for (let i = 0; i < 2000; i++) write(answer);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) write(answer);
  console.log(`  ${name.padEnd(20)} ${(Number(process.hrtime.bigint() - t0) / RUNS / 1000).toFixed(1)} µs per answer`);
}
