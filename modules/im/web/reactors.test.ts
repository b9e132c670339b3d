import type { PartyRef } from '@kite/im/contract';
import { describe, expect, it } from 'vitest';
import { reactorSegments } from './reactors.ts';

const person = (id: string, name: string): PartyRef => ({ type: 'user', id, name, avatarColor: '#000' });
const en = { locale: 'en-US', you: 'You', someone: 'Someone', others: (count: number) => `${count} ${count === 1 ? 'other' : 'others'}` };
const zh = { locale: 'zh-CN', you: '你', someone: '某人', others: (count: number) => `其他${count}人` };
const text = (segments: ReturnType<typeof reactorSegments>) => segments.map((segment) => segment.text).join('');

describe('reactorSegments', () => {
  const alice = person('a', 'Alice');
  const bob = person('b', 'Bob');
  const carol = person('c', 'Carol');
  const dan = person('d', 'Dan');
  const erin = person('e', 'Erin');

  it('puts the viewer first as "You" and lists the rest in order', () => {
    expect(text(reactorSegments([alice, bob], 2, 'b', en))).toBe('You and Alice');
    expect(text(reactorSegments([alice], 1, 'a', en))).toBe('You');
    expect(text(reactorSegments([alice, bob, carol], 3, 'x', en))).toBe('Alice, Bob, and Carol');
    const segments = reactorSegments([alice, bob], 2, 'b', en);
    expect(segments.filter((segment) => segment.kind === 'party').map((segment) => segment.kind === 'party' && segment.self)).toEqual([
      true,
      false,
    ]);
  });

  it('counts the rest as others, also those on later pages, and never "1 other"', () => {
    expect(text(reactorSegments([alice, bob, carol, dan, erin], 5, 'x', en))).toBe('Alice, Bob, Carol, and 2 others');
    expect(text(reactorSegments([alice, bob], 40, 'x', en))).toBe('Alice, Bob, and 38 others');
    expect(text(reactorSegments([alice, bob, carol, dan], 4, 'x', en))).toBe('Alice, Bob, Carol, and Dan');
    const others = reactorSegments([alice, bob, carol, dan, erin], 5, 'x', en).find((segment) => segment.kind === 'others');
    expect(others).toMatchObject({ count: 2 });
  });

  it('lists in Chinese without spaces', () => {
    expect(text(reactorSegments([alice, bob, carol, dan, erin], 5, 'a', zh))).toBe('你、Bob、Carol和其他2人');
    expect(text(reactorSegments([], 0, 'a', zh))).toBe('');
  });
});
