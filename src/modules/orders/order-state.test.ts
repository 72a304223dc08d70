import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, canTransition, progressStatus, refundStatus, transition } from './order-state.js';

describe('order state machine', () => {
  it.each([
    ['pending_payment', 'paid', 'order.paid'],
    ['paid', 'fulfilled', 'order.fulfilled'],
    ['paid', 'partially_fulfilled', 'order.partially_fulfilled'],
    ['partially_fulfilled', 'fulfilled', 'order.fulfilled'],
    ['fulfilled', 'completed', 'order.completed'],
    ['pending_payment', 'cancelled', 'order.cancelled'],
    ['reserved', 'cancelled', 'order.cancelled'],
    ['fulfilled', 'partially_refunded', 'order.partially_refunded'],
    ['partially_refunded', 'refunded', 'order.refunded'],
  ] as const)('%s → %s emits %s', (from, to, event) => {
    expect(transition(from, to)).toBe(event);
  });

  it.each([
    ['pending_payment', 'fulfilled'],
    ['cancelled', 'paid'],
    ['refunded', 'partially_refunded'],
    ['fulfilled', 'cancelled'],
    ['reserved', 'paid'],
    ['completed', 'refunded'],
  ] as const)('refuses %s → %s with invalid_state', (from, to) => {
    expect(() => transition(from, to)).toThrowError(expect.objectContaining({ code: 'invalid_state' }));
  });

  it('terminal statuses go nowhere', () => {
    for (const to of ORDER_STATUSES) {
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('refunded', to)).toBe(false);
    }
  });

  it('fulfilment progress: all done → fulfilled, some → partially, voided ones do not count', () => {
    expect(progressStatus('paid', ['picked_up', 'pending'])).toBe('partially_fulfilled');
    expect(progressStatus('partially_fulfilled', ['picked_up', 'shipped'])).toBe('fulfilled');
    expect(progressStatus('paid', ['issued', 'no_show'])).toBe('fulfilled');
    expect(progressStatus('paid', ['pending', 'ready'])).toBeNull();
    expect(progressStatus('partially_refunded', ['picked_up'])).toBeNull();
  });

  it('refunds: everything back → refunded, less → partially refunded', () => {
    expect(refundStatus('paid', 1000, 1000)).toBe('refunded');
    expect(refundStatus('fulfilled', 1000, 400)).toBe('partially_refunded');
    expect(refundStatus('partially_refunded', 1000, 700)).toBe('partially_refunded');
    expect(() => refundStatus('cancelled', 1000, 10)).toThrow();
  });
});
