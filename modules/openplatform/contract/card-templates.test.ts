import { describe, expect, it } from 'vitest';
import { cardTemplateVariables, nextCardTemplateVersion, renderCardTemplate } from './card-templates.ts';

const text = (content: string) => ({ tag: 'plain_text', content });

const template = {
  config: { update_multi: true },
  header: { title: text('Leave of ${name}'), template: '${colour}' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: '**${name}** asks for ${days} days (${urgent})' } },
    '${rows}',
    { tag: 'action', actions: [{ tag: 'button', text: text('Approve'), value: { request: '${requestId}' } }] },
  ],
};

describe('card template variables', () => {
  it('lists the variables a template uses, in order of first use, once each', () => {
    expect(cardTemplateVariables(template)).toEqual(['name', 'colour', 'days', 'urgent', 'rows', 'requestId']);
    expect(cardTemplateVariables({ elements: ['$name', '${1bad}', '${ok_2}', '{x}', '${}'] })).toEqual(['ok_2']);
  });
});

describe('rendering a card template', () => {
  it('fills text, whole values of any type, and splices lists into lists', () => {
    const rows = [
      { tag: 'div', text: text('Mon') },
      { tag: 'div', text: text('Tue') },
    ];
    const rendered = renderCardTemplate(
      template,
      { name: 'Ann', colour: 'orange', days: 2, urgent: true, rows, requestId: { id: 7, kind: 'leave' } },
      {},
    );
    expect(rendered).toEqual({
      ok: true,
      card: {
        config: { update_multi: true },
        header: { title: text('Leave of Ann'), template: 'orange' },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content: '**Ann** asks for 2 days (true)' } },
          ...rows,
          { tag: 'action', actions: [{ tag: 'button', text: text('Approve'), value: { request: { id: 7, kind: 'leave' } } }] },
        ],
      },
    });
  });

  it('escapes nothing by hand: quotes, backslashes, newlines and placeholders in values stay as they are', () => {
    const tricky = 'He said "hi" \\ </script>\n${colour} {"a":1}';
    const rendered = renderCardTemplate(template, { name: tricky, colour: 'red' }, {});
    expect(rendered.ok).toBe(true);
    const card = rendered.ok ? rendered.card : {};
    // Through JSON and back, as the message stores it: the value is one string, unchanged.
    const stored = JSON.parse(JSON.stringify(card)) as typeof template;
    expect(stored.header.title.content).toBe(`Leave of ${tricky}`);
    expect(stored.header.template).toBe('red');
  });

  it('takes defaults for what a send leaves out, and empties the rest', () => {
    const rendered = renderCardTemplate(template, { name: 'Bo' }, { days: 3, colour: 'blue' });
    expect(rendered.ok && rendered.card).toMatchObject({
      header: { title: text('Leave of Bo'), template: 'blue' },
      elements: [{ text: { content: '**Bo** asks for 3 days ()' } }, { tag: 'action', actions: [{ value: { request: '' } }] }],
    });
    // The missing list left no item behind.
    expect(rendered.ok && (rendered.card.elements as unknown[])).toHaveLength(2);
  });

  it('refuses a list or object inside a text, and reads no inherited properties', () => {
    expect(renderCardTemplate(template, { days: [1, 2] }, {})).toEqual({
      ok: false,
      problem: expect.stringContaining('Variable days is a list or an object'),
    });
    const rendered = renderCardTemplate({ a: '${constructor}', b: 'x ${toString} y' }, {}, {});
    expect(rendered).toEqual({ ok: true, card: { a: '', b: 'x  y' } });
  });

  it('suggests the next version', () => {
    expect(nextCardTemplateVersion(null)).toBe('1.0.0');
    expect(nextCardTemplateVersion('1.0.9')).toBe('1.0.10');
    expect(nextCardTemplateVersion('2.3.0')).toBe('2.3.1');
  });
});
