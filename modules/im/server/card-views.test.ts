import { describe, expect, it } from 'vitest';
import { isSharedCard, isSharedUpdate } from './card-views.ts';

const shared = JSON.stringify({ config: { update_multi: true }, elements: [] });
const unshared = JSON.stringify({ config: { wide_screen_mode: true }, elements: [] });
const v2 = JSON.stringify({ schema: '2.0', body: { elements: [] } });

describe('shared and non-shared cards', () => {
  it('calls a card shared when it says update_multi: true, or is JSON 2.0', () => {
    expect(isSharedCard(JSON.parse(shared))).toBe(true);
    expect(isSharedCard(JSON.parse(v2))).toBe(true);
    expect(isSharedCard(JSON.parse(unshared))).toBe(false);
    expect(isSharedCard({ config: { update_multi: 'true' } })).toBe(false);
    expect(isSharedCard({ elements: [] })).toBe(false);
    expect(isSharedCard(null)).toBe(false);
    expect(isSharedCard('{"config":{"update_multi":true}}')).toBe(false);
  });

  it('updates everyone only when the stored card and the new one are both shared', () => {
    expect(isSharedUpdate(shared, shared)).toBe(true);
    expect(isSharedUpdate(v2, shared)).toBe(true);
    expect(isSharedUpdate(unshared, shared)).toBe(false);
    expect(isSharedUpdate(shared, unshared)).toBe(false);
    // Recalled (blank) or unreadable content is no shared card.
    expect(isSharedUpdate('', shared)).toBe(false);
    expect(isSharedUpdate('{not json', shared)).toBe(false);
  });
});
