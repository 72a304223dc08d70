import { describe, expect, it } from 'vitest';
import { newId, ulid } from './ids.js';

describe('ids', () => {
  it('sort in the order they were made, also many in one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId('evt'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carry the time they were made and stay ordered when the clock steps back', () => {
    const now = Date.now();
    const a = ulid(now + 2);
    const b = ulid(now - 60_000);
    expect(b.slice(0, 10)).toBe(a.slice(0, 10));
    expect(b > a).toBe(true);
    expect(ulid(now + 5).slice(0, 10) > a.slice(0, 10)).toBe(true);
  });
});
