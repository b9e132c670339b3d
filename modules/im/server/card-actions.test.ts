import { cardActionElements } from '@kite/im/contract';
import { describe, expect, it } from 'vitest';
import { resolveCardAction } from './card-actions.ts';
import { readAppAnswer } from './card-callback-format.ts';

const text = (content: string) => ({ tag: 'plain_text', content });

/** A JSON 1.0 card with every kind of action Kite supports, and a form. */
const card = {
  config: { wide_screen_mode: true },
  header: { title: text('Leave request'), template: 'blue' },
  elements: [
    {
      tag: 'div',
      text: { tag: 'lark_md', content: '**Alice** asks for 2 days' },
      extra: { tag: 'button', text: text('Later'), value: { later: 1 } },
    },
    {
      tag: 'action',
      actions: [
        { tag: 'button', text: text('Approve'), type: 'primary', value: { decision: 'approve', id: 7 } },
        { tag: 'button', text: text('Docs'), url: 'https://kite.test/docs', value: { never: true } },
        { tag: 'button', text: text('Ping') },
        {
          tag: 'select_static',
          placeholder: text('Priority'),
          value: { field: 'priority' },
          options: [
            { text: text('High'), value: 'high' },
            { text: text('Low'), value: 'low' },
          ],
        },
        {
          tag: 'overflow',
          options: [
            { text: text('Open'), value: 'open', url: 'https://kite.test' },
            { text: text('Archive'), value: 'archive' },
          ],
        },
        { tag: 'date_picker', value: { field: 'start' } },
      ],
    },
    {
      tag: 'form',
      name: 'details',
      elements: [
        { tag: 'input', name: 'reason', required: true, max_length: 10 },
        { tag: 'select_static', name: 'kind', options: [{ text: text('Sick'), value: 'sick' }] },
        { tag: 'checker', name: 'urgent' },
        { tag: 'button', text: text('Send'), action_type: 'form_submit', name: 'send', value: { form: 'details' } },
        { tag: 'button', text: text('Clear'), action_type: 'form_reset', name: 'clear' },
      ],
    },
  ],
};

describe('card actions', () => {
  it('finds every element that calls back, and not link buttons or form fields', () => {
    const found = cardActionElements(card).map(({ element, form }) => `${element.tag}${form ? ' in form' : ''}`);
    expect(found).toEqual(['button', 'button', 'button', 'select_static', 'overflow', 'date_picker', 'button in form']);
  });

  it('walks JSON 2.0 bodies, columns and i18n elements, and callback behaviours', () => {
    const v2 = {
      schema: '2.0',
      body: {
        elements: [
          {
            tag: 'column_set',
            columns: [{ tag: 'column', elements: [{ tag: 'button', behaviors: [{ type: 'callback', value: { go: 1 } }] }] }],
          },
          { tag: 'button', behaviors: [{ type: 'open_url', default_url: 'https://kite.test' }] },
        ],
      },
    };
    expect(resolveCardAction(v2, { tag: 'button', value: { go: 1 } })).toEqual({ tag: 'button', value: { go: 1 } });
    expect(() => resolveCardAction(v2, { tag: 'button' })).toThrow('no such action');
    const i18n = { i18n_elements: { en_us: [{ tag: 'button', value: 'en' }], zh_cn: [{ tag: 'button', value: 'zh' }] } };
    expect(resolveCardAction(i18n, { tag: 'button', value: 'zh' }).value).toBe('zh');
  });

  it('accepts a button by its value, whatever the key order, and names no option', () => {
    expect(resolveCardAction(card, { tag: 'button', value: { id: 7, decision: 'approve' } })).toEqual({
      tag: 'button',
      value: { decision: 'approve', id: 7 },
    });
    // No value in the card: the click sends {} as Feishu does.
    expect(resolveCardAction(card, { tag: 'button' }).value).toEqual({});
    expect(resolveCardAction(card, { tag: 'button', value: { later: 1 } }).value).toEqual({ later: 1 });
  });

  it('refuses forged actions: unknown values, links, options a button has not', () => {
    expect(() => resolveCardAction(card, { tag: 'button', value: { decision: 'approve', id: 8 } })).toThrow('no such action');
    expect(() => resolveCardAction(card, { tag: 'button', value: { never: true } })).toThrow('no such action');
    expect(() => resolveCardAction(card, { tag: 'select_static', value: { decision: 'approve', id: 7 }, option: 'high' })).toThrow(
      'no such action',
    );
    expect(() => resolveCardAction(card, { tag: 'button', value: { later: 1 }, option: 'x' })).toThrow('takes no option');
    expect(() => resolveCardAction({ text: 'not a card' }, { tag: 'button' })).toThrow('no such action');
    expect(() => resolveCardAction(null, { tag: 'button' })).toThrow('no such action');
  });

  it('accepts only the options a menu offers, and link options never', () => {
    expect(resolveCardAction(card, { tag: 'select_static', value: { field: 'priority' }, option: 'low' })).toMatchObject({ option: 'low' });
    expect(() => resolveCardAction(card, { tag: 'select_static', value: { field: 'priority' }, option: 'urgent' })).toThrow(
      'not one of the options',
    );
    expect(() => resolveCardAction(card, { tag: 'select_static', value: { field: 'priority' } })).toThrow('Choose an option');
    expect(resolveCardAction(card, { tag: 'overflow', option: 'archive' }).option).toBe('archive');
    expect(() => resolveCardAction(card, { tag: 'overflow', option: 'open' })).toThrow('not one of the options');
  });

  it('accepts dates in Feishu’s picker format, with the time zone', () => {
    expect(
      resolveCardAction(card, { tag: 'date_picker', value: { field: 'start' }, option: '2026-11-24 +0800', timezone: 'Asia/Shanghai' }),
    ).toEqual({
      tag: 'date_picker',
      value: { field: 'start' },
      option: '2026-11-24 +0800',
      timezone: 'Asia/Shanghai',
    });
    expect(() => resolveCardAction(card, { tag: 'date_picker', value: { field: 'start' }, option: 'tomorrow' })).toThrow('valid date');
  });

  it('accepts a form’s own fields with values they allow, and requires required ones', () => {
    const submit = { tag: 'button' as const, value: { form: 'details' }, name: 'send' };
    expect(resolveCardAction(card, { ...submit, formValue: { reason: 'flu', kind: 'sick', urgent: true } })).toEqual({
      tag: 'button',
      value: { form: 'details' },
      name: 'send',
      formValue: { reason: 'flu', kind: 'sick', urgent: true },
    });
    expect(() => resolveCardAction(card, { ...submit, formValue: { kind: 'sick' } })).toThrow('reason is required');
    expect(() => resolveCardAction(card, { ...submit, formValue: { reason: 'flu', salary: '1M' } })).toThrow('no field salary');
    expect(() => resolveCardAction(card, { ...submit, formValue: { reason: 'much too long a reason' } })).toThrow('at most 10');
    expect(() => resolveCardAction(card, { ...submit, formValue: { reason: 'flu', kind: 'holiday' } })).toThrow('not one of the options');
    expect(() => resolveCardAction(card, { ...submit, formValue: { reason: 'flu', urgent: 'yes' } })).toThrow('true or false');
    // The reset button and the form's own select do not call back.
    expect(() => resolveCardAction(card, { tag: 'button', name: 'clear', formValue: {} })).toThrow('no such action');
    // A button outside the form cannot smuggle form values.
    expect(() => resolveCardAction(card, { tag: 'button', value: { later: 1 }, formValue: { reason: 'x' } })).toThrow('form');
  });
});

describe('app answers', () => {
  it('reads the v2 toast and raw card', () => {
    const answer = readAppAnswer({
      toast: { type: 'success', content: 'Approved', i18n: { zh_cn: '已批准', en_us: 'Approved', bad: 3 } },
      card: { type: 'raw', data: { elements: [] } },
    });
    expect(answer).toEqual({
      toast: { type: 'success', content: 'Approved', i18n: { zh_cn: '已批准', en_us: 'Approved' } },
      card: { elements: [] },
    });
  });

  it('reads a v2 template card as template content, to be rendered from the app’s template', () => {
    const data = { template_id: 'AAqB4FaJYbCnY', template_variable: { who: 'Ann' } };
    expect(readAppAnswer({ card: { type: 'template', data } }).card).toEqual({ type: 'template', data });
    expect(readAppAnswer({ card: { type: 'template', data: 'AAq' } }).card).toBeNull();
    expect(readAppAnswer({ card: { type: 'other', data: {} } }).card).toBeNull();
  });

  it('reads a bare v1 card, and ignores nothing, {}, strings and empty toasts', () => {
    expect(readAppAnswer({ header: { title: text('New') }, elements: [] }).card).toEqual({ header: { title: text('New') }, elements: [] });
    for (const nothing of [undefined, '', {}, 'no card.action.trigger event handle', []]) {
      expect(readAppAnswer(nothing)).toEqual({ card: null, toast: null });
    }
    expect(readAppAnswer({ toast: { type: 'odd', content: 'Hi' } }).toast).toEqual({ type: 'info', content: 'Hi' });
    expect(readAppAnswer({ toast: { type: 'info' } }).toast).toBeNull();
  });
});
