import { describe, expect, it } from 'vitest';
import { draftPreview, draftVariables, parseJsonObject, sendSnippet, starterCard } from './card-template-draft.ts';

describe('card template drafts', () => {
  it('accepts JSON objects only, and says why not', () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonObject('[1]')).toEqual({ ok: false, reason: 'expected { … }' });
    expect(parseJsonObject('{"a":')).toMatchObject({ ok: false, reason: expect.any(String) });
  });

  it('previews the card filled with its defaults, as a send would fill it', () => {
    const card = parseJsonObject(JSON.stringify(starterCard({ title: 'Notice', greeting: 'Hi **${name}**', button: 'OK' })));
    expect(draftVariables(card)).toEqual(['title', 'name']);
    const preview = draftPreview(card, parseJsonObject('{"title":"Notice","name":"Ann \\"A\\""}'));
    expect(preview.kind).toBe('card');
    const shown = JSON.parse(preview.kind === 'card' ? preview.content : '{}');
    expect(shown.header.title.content).toBe('Notice');
    expect(shown.elements[0].text.content).toBe('Hi **Ann "A"**');
    expect(draftPreview(card, parseJsonObject('nope'))).toEqual({ kind: 'invalid' });
    expect(draftPreview(card, parseJsonObject('{"name":[1]}'))).toMatchObject({ kind: 'problem' });
  });

  it('writes the SDK call with the template’s variables', () => {
    expect(sendSnippet('AAqB4FaJYbCnY', ['name', 'days'])).toContain("template_id: 'AAqB4FaJYbCnY'");
    expect(sendSnippet('AAqB4FaJYbCnY', ['name', 'days'])).toContain(`name: '…',\n      days: '…',`);
    expect(sendSnippet('AAqB4FaJYbCnY', [])).toContain('// no variables');
  });
});
