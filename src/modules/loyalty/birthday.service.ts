import { sql } from 'kysely';
import { SYSTEM } from '../../platform/auth.js';
import type { AnyDb } from '../../platform/db.js';
import { emit } from '../../platform/outbox.js';
import { getCustomers } from '../customers/index.js';
import { grantCoupon } from '../coupons/index.js';
import { q } from './ledger.js';
import { loyaltySettings } from './loyalty.settings.js';
import { isBirthday, localDate } from './brand-time.js';

const PAGE = 500;

/**
 * Background job: every member whose birthday is today (in the brand's time zone) gets their
 * tier's birthday coupon, once a year. Only members of a tier with a birthday coupon and without
 * this year's grant are looked at; the (customer, year) key makes a rerun or a second replica
 * grant nothing twice.
 */
export async function grantBirthdayPerks(db: AnyDb, now = new Date()): Promise<number> {
  const today = localDate(now, loyaltySettings.timeZone);
  const year = Number(today.slice(0, 4));
  const ctx = { db, actor: SYSTEM, requestId: `birthday-${today}` };
  let granted = 0;
  let after = '';
  // One member's failed grant (say, a retired coupon template) must not hold back everyone after them.
  let firstError: unknown = null;
  for (;;) {
    const members = await q(db)
      .selectFrom('loyalty_member as m')
      .innerJoin('loyalty_tier as t', 't.id', 'm.tier_id')
      .select(['m.id', 'm.customer_id', 't.id as tier_id', 't.birthday_coupon_template_id as template_id'])
      .where('t.birthday_coupon_template_id', 'is not', null)
      .where('m.customer_id', '>', after)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('loyalty_birthday_grant as g').select(sql`1`.as('one')).whereRef('g.customer_id', '=', 'm.customer_id').where('g.year', '=', year))),
      )
      .orderBy('m.customer_id')
      .limit(PAGE)
      .execute();
    if (!members.length) {
      if (firstError) throw firstError;
      return granted;
    }
    after = members[members.length - 1].customer_id;
    const birthdays = new Map((await getCustomers(ctx, members.map((m) => m.customer_id))).map((c) => [c.id, c.birthday]));
    for (const m of members) {
      const birthday = birthdays.get(m.customer_id);
      if (!birthday || !isBirthday(birthday, today)) continue;
      granted += await db.transaction().execute(async (tx) => {
        const claimed = await q(tx)
          .insertInto('loyalty_birthday_grant')
          .values({ customer_id: m.customer_id, year, tier_id: m.tier_id })
          .onConflict((oc) => oc.columns(['customer_id', 'year']).doNothing())
          .returning('customer_id')
          .executeTakeFirst();
        if (!claimed) return 0;
        await grantCoupon({ ...ctx, db: tx }, { templateId: m.template_id!, customerId: m.customer_id, reason: `birthday ${year}` });
        await emit(tx, 'birthday_perk.granted', m.id, { memberId: m.id, customerId: m.customer_id, year, tierId: m.tier_id, couponTemplateId: m.template_id });
        return 1;
      }).catch((err) => {
        firstError ??= err;
        return 0;
      });
    }
  }
}
