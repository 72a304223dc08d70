import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { couponWorld } from './test-fixtures.js';

// The generator's first codes are chosen so that two collide with a public code and with each other.
const scripted: string[][] = [];
vi.mock('./codes.js', async (original) => {
  const real = await original<typeof import('./codes.js')>();
  return { ...real, randomCodes: (count: number, prefix = '') => scripted.shift() ?? real.randomCodes(count, prefix) };
});

let t: TestApp;
let w: Awaited<ReturnType<typeof couponWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await couponWorld(t);
});
afterAll(() => t?.close());

describe('code collisions in a batch', () => {
  it('a code already taken, or made twice, is skipped and made up for with a fresh one', async () => {
    await w.template({ kind: 'public_code', code: 'TAKEN2345678' });
    const tpl = await w.template({ kind: 'unique_codes' });
    scripted.push(['TAKEN2345678', 'AAAAAAAAAAAA', 'AAAAAAAAAAAA', 'BBBBBBBBBBBB']);
    const batch = await w.ok('POST', `/v1/coupon-templates/${tpl.id}/batches`, { count: 4 });
    const rows = await t.omni.database.db.selectFrom('coupon').select(['code', 'template_id']).where('batch_id', '=', batch.id).execute();
    const codes = rows.map((r: any) => r.code);
    expect(codes.length).toBe(4);
    expect(new Set(codes).size).toBe(4);
    expect(codes).toEqual(expect.arrayContaining(['AAAAAAAAAAAA', 'BBBBBBBBBBBB']));
    expect(codes).not.toContain('TAKEN2345678');
    const publicRow = await t.omni.database.db.selectFrom('coupon').select('template_id').where('code', '=', 'TAKEN2345678').executeTakeFirstOrThrow();
    expect(publicRow.template_id).not.toBe(tpl.id);
  });
});
