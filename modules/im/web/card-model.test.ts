import { describe, expect, it } from 'vitest';
import { cardBody, fieldInitial, formatPick, formFields, parsePick } from './card-model.ts';

const text = (content: string) => ({ tag: 'plain_text', content });

describe('card model', () => {
  it('reads markdown, dividers, notes and buttons; link buttons open their URL', () => {
    const card = {
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: '**Leave** for [details](https://kite.example)' } },
        { tag: 'hr' },
        { tag: 'note', elements: [text('From HR')] },
        {
          tag: 'action',
          actions: [
            { tag: 'button', text: text('Approve'), type: 'primary', value: { ok: 1 } },
            { tag: 'button', text: text('Docs'), url: 'https://kite.example/docs' },
            { tag: 'button', text: text('Evil'), url: 'javascript:alert(1)' },
          ],
        },
      ],
    };
    expect(cardBody(card)).toEqual([
      {
        kind: 'markdown',
        lines: [
          [
            { kind: 'text', text: 'Leave', bold: true },
            { kind: 'text', text: ' for ' },
            { kind: 'link', text: 'details', href: 'https://kite.example/' },
          ],
        ],
      },
      { kind: 'divider' },
      { kind: 'note', text: 'From HR' },
      {
        kind: 'controls',
        controls: [
          { kind: 'button', text: 'Approve', type: 'primary', url: null, action: { tag: 'button', value: { ok: 1 } }, formRole: null },
          { kind: 'button', text: 'Docs', type: 'default', url: 'https://kite.example/docs', action: null, formRole: null },
          // An unsafe link is neither followed nor sent to the app.
          { kind: 'button', text: 'Evil', type: 'default', url: null, action: null, formRole: null },
        ],
      },
    ]);
  });

  it('reads menus, pickers, JSON 2.0 bodies, div extras and the viewer’s i18n elements', () => {
    const card = {
      schema: '2.0',
      body: {
        elements: [
          { tag: 'div', text: text('Pick'), extra: { tag: 'date_picker', initial_date: '2026-01-02', value: { f: 'd' } } },
          {
            tag: 'column_set',
            columns: [
              {
                tag: 'column',
                elements: [
                  {
                    tag: 'select_static',
                    placeholder: text('Level'),
                    initial_option: 'b',
                    options: [
                      { text: text('A'), value: 'a' },
                      { text: text('B'), value: 'b' },
                    ],
                  },
                  {
                    tag: 'overflow',
                    options: [
                      { text: text('Web'), url: 'https://kite.example' },
                      { text: text('Archive'), value: 'arch' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    };
    const [label, picker, select, overflow] = cardBody(card);
    expect(label).toMatchObject({ kind: 'markdown' });
    expect(picker).toEqual({
      kind: 'controls',
      controls: [
        {
          kind: 'picker',
          mode: 'date',
          tag: 'date_picker',
          placeholder: '',
          initial: '2026-01-02',
          action: { tag: 'date_picker', value: { f: 'd' } },
          fieldName: null,
          required: false,
        },
      ],
    });
    expect(select).toMatchObject({ controls: [{ kind: 'select', initial: 'b', placeholder: 'Level', action: { tag: 'select_static' } }] });
    expect(overflow).toMatchObject({
      controls: [
        {
          kind: 'overflow',
          options: [
            { text: 'Web', value: '', url: 'https://kite.example/' },
            { text: 'Archive', value: 'arch', url: null },
          ],
        },
      ],
    });
    const i18n = { i18n_elements: { zh_cn: [{ tag: 'markdown', content: '你好' }], en_us: [{ tag: 'markdown', content: 'Hello' }] } };
    expect(cardBody(i18n, ['en_us', 'zh_cn'])).toEqual([{ kind: 'markdown', lines: [[{ kind: 'text', text: 'Hello' }]] }]);
    expect(cardBody(i18n, ['zh_cn'])).toEqual([{ kind: 'markdown', lines: [[{ kind: 'text', text: '你好' }]] }]);
  });

  it('reads a form: fields with their starting values, a submit and a reset button', () => {
    const form = {
      tag: 'form',
      name: 'f',
      elements: [
        { tag: 'input', name: 'reason', label: text('Reason'), required: true, default_value: 'flu' },
        { tag: 'multi_select_static', name: 'days', options: [{ text: text('Mon'), value: 'mon' }], selected_values: ['mon'] },
        { tag: 'checker', name: 'urgent', text: text('Urgent'), checked: true },
        { tag: 'picker_time', name: 'at', initial_time: '09:30' },
        { tag: 'button', text: text('Send'), action_type: 'form_submit', name: 'send', value: { f: 1 } },
        { tag: 'button', text: text('Clear'), form_action_type: 'reset', name: 'clear' },
      ],
    };
    const [model] = cardBody({ elements: [form] });
    expect(model?.kind).toBe('form');
    const elements = model?.kind === 'form' ? model.elements : [];
    const fields = formFields(elements);
    expect(fields.map((field) => [field.fieldName, field.kind])).toEqual([
      ['reason', 'input'],
      ['days', 'select'],
      ['urgent', 'checker'],
      ['at', 'picker'],
    ]);
    expect(fields.map((field) => fieldInitial(field))).toEqual(['flu', ['mon'], true, expect.stringMatching(/^09:30 [+-]\d{4}$/)]);
    const buttons = elements.flatMap((element) => (element.kind === 'controls' ? element.controls : [])).filter((c) => c.kind === 'button');
    expect(buttons).toMatchObject([
      { text: 'Send', formRole: 'submit', action: { tag: 'button', value: { f: 1 }, name: 'send' } },
      { text: 'Clear', formRole: 'reset', action: null },
    ]);
  });

  it('formats picked moments as Feishu does and reads them back', () => {
    const date = new Date(2026, 10, 24, 9, 5);
    const offset = formatPick(date, 'date').split(' ')[1];
    expect(offset).toMatch(/^[+-]\d{4}$/);
    expect(formatPick(date, 'date')).toBe(`2026-11-24 ${offset}`);
    expect(formatPick(date, 'time')).toBe(`09:05 ${offset}`);
    expect(formatPick(date, 'datetime')).toBe(`2026-11-24 09:05 ${offset}`);
    expect(parsePick('2026-11-24 09:05 +0800', 'datetime')?.getMinutes()).toBe(5);
    expect(parsePick('2026-11-24', 'date')?.getDate()).toBe(24);
    expect(parsePick('09:05', 'datetime')).toBeNull();
    expect(parsePick('soon', 'time')).toBeNull();
  });
});
