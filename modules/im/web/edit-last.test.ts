import { describe, expect, it } from 'vitest';
import { isEditableBy, lastEditableMessage } from './edit-last.ts';
import { fakeMessage } from './view-fixtures.ts';

describe('lastEditableMessage', () => {
  const at = '2026-11-21T10:00:00Z';
  const older = { items: [fakeMessage(1, 'me', at), fakeMessage(2, 'you', at)] };
  const newer = {
    items: [
      fakeMessage(3, 'me', at, { msgType: 'post' }),
      fakeMessage(4, 'me', at, { msgType: 'image' }),
      fakeMessage(5, 'me', at, { recalled: true }),
      fakeMessage(6, 'you', at),
      fakeMessage(7, null, at, { msgType: 'system' }),
    ],
  };

  it("finds the viewer's newest own text or rich text that is not recalled, newest page first", () => {
    expect(lastEditableMessage([newer, older], 'me')?.seq).toBe(3);
    expect(lastEditableMessage([{ items: newer.items.slice(1) }, older], 'me')?.seq).toBe(1);
    expect(lastEditableMessage([newer, older], 'you')?.seq).toBe(6);
    expect(lastEditableMessage([], 'me')).toBeUndefined();
  });

  it('never offers what the server would refuse to edit', () => {
    expect(isEditableBy(fakeMessage(1, 'me', at, { msgType: 'interactive' }), 'me')).toBe(false);
    expect(isEditableBy(fakeMessage(1, 'me', at), 'someone else')).toBe(false);
  });
});
