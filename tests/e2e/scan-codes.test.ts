import { describe, expect, it } from 'vitest';
import { classify } from '../../web/src/clerk/codes.js';

describe("the clerk's one box", () => {
  it('tells voucher, pickup and member codes apart as a scanner or a person types them', () => {
    expect(classify('7K3Q-J9XW-2M4T')).toEqual({ kind: 'voucher', code: '7K3QJ9XW2M4T' });
    // Lower case, spaces and the look-alikes O/I/L read as a voucher's digits.
    expect(classify(' 7k3q j9xw 2m4t ')).toEqual({ kind: 'voucher', code: '7K3QJ9XW2M4T' });
    expect(classify('OK3Q-J9XW-2M4L')).toEqual({ kind: 'voucher', code: '0K3QJ9XW2M41' });
    expect(classify('586101')).toEqual({ kind: 'pickup', code: '586101' });
    expect(classify('58610122')).toEqual({ kind: 'pickup', code: '58610122' });
    expect(classify('omniloop:pickup:ful_01ABC:586101')).toEqual({ kind: 'pickup', fulfillmentId: 'ful_01ABC', code: '586101' });
    expect(classify('OMM1.mbr_01ABC.x-Yz_09')).toEqual({ kind: 'memberCode', code: 'OMM1.mbr_01ABC.x-Yz_09' });
    expect(classify('13800138000')).toEqual({ kind: 'member', query: '13800138000' });
    expect(classify('mei@example.com')).toEqual({ kind: 'member', query: 'mei@example.com' });
    expect(classify('   ')).toEqual({ kind: 'empty' });
  });
});
