import { describe, expect, it } from 'vitest';
import { cardPlacement, profileTargetOfMention, profileTargetOfParty, sameTarget } from './profile-target.ts';

const personId = '6f1c2a9e-4d2b-4c1e-9a57-0b3f3d1c2e10';

describe('profileTargetOfParty', () => {
  it('opens a person’s card for a user and a bot’s card for apps and custom bots', () => {
    expect(profileTargetOfParty({ type: 'user', id: personId, name: 'Bob' })).toEqual({ kind: 'person', userId: personId });
    expect(profileTargetOfParty({ type: 'app', id: 'cli_a1b2c3d4', name: 'Deploy' })).toEqual({
      kind: 'bot',
      botId: 'cli_a1b2c3d4',
      name: 'Deploy',
    });
    expect(profileTargetOfParty({ type: 'webhook', id: 'cli_feedbeef', name: 'CI' })).toMatchObject({ kind: 'bot', botId: 'cli_feedbeef' });
  });

  it('opens nothing for a sender the server no longer knows', () => {
    expect(profileTargetOfParty(null)).toBeNull();
    expect(profileTargetOfParty({ type: 'user', id: '', name: '' })).toBeNull();
  });
});

describe('profileTargetOfMention', () => {
  it('tells a mentioned bot from a person by its cli_ id', () => {
    expect(profileTargetOfMention({ userId: personId, name: 'Bob', isAll: false })).toEqual({ kind: 'person', userId: personId });
    expect(profileTargetOfMention({ userId: 'cli_0011aabb', name: 'Deploy', isAll: false })).toEqual({
      kind: 'bot',
      botId: 'cli_0011aabb',
      name: 'Deploy',
    });
  });

  it('opens nothing for @all or a mention key the message never resolved', () => {
    expect(profileTargetOfMention({ userId: 'all', name: 'Everyone', isAll: true })).toBeNull();
    expect(profileTargetOfMention({ userId: '@_user_3', name: '@_user_3', isAll: false })).toBeNull();
  });
});

describe('sameTarget', () => {
  it('matches the same person or bot only', () => {
    const bob = { kind: 'person', userId: personId } as const;
    expect(sameTarget(bob, { kind: 'person', userId: personId })).toBe(true);
    expect(sameTarget(bob, { kind: 'person', userId: 'someone-else' })).toBe(false);
    expect(sameTarget(bob, { kind: 'bot', botId: personId, name: 'x' })).toBe(false);
    expect(sameTarget(null, bob)).toBe(false);
  });
});

describe('cardPlacement', () => {
  const viewport = { width: 1440, height: 900 };
  const card = { width: 340, height: 420 };

  it('opens beside what was clicked, towards the side with more room, top-aligned', () => {
    const avatar = { left: 416, top: 300, right: 448, bottom: 332 };
    expect(cardPlacement(avatar, card, viewport)).toEqual({ left: 456, top: 300 });
    const member = { left: 1180, top: 200, right: 1400, bottom: 240 };
    expect(cardPlacement(member, card, viewport)).toEqual({ left: 1180 - 8 - 340, top: 200 });
  });

  it('moves up to stay inside the window when opened near its bottom', () => {
    const low = { left: 416, top: 800, right: 448, bottom: 832 };
    expect(cardPlacement(low, card, viewport).top).toBe(900 - 420 - 12);
  });

  it('keeps a card taller than the window at the top margin, and a narrow window’s card inside it', () => {
    expect(cardPlacement({ left: 416, top: 500, right: 448, bottom: 532 }, { width: 340, height: 1000 }, viewport).top).toBe(12);
    expect(cardPlacement({ left: 200, top: 10, right: 260, bottom: 40 }, card, { width: 500, height: 900 })).toEqual({
      left: 500 - 340 - 12,
      top: 12,
    });
  });
});
