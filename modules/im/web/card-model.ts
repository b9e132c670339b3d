import {
  type CardActionInput,
  type CardJson,
  cardCallbackValue,
  cardChildren,
  cardLinkOf,
  cardOptions,
  formButtonKind,
} from '@kite/im/contract';
import { type ContentLine, cardText, parseCardMarkdown, safeHref } from './message-content.ts';

/**
 * A card's body as a plain model the card view renders element by element: text, dividers, notes,
 * images, and the controls that call the app back. Which controls call back, and with what `value`,
 * comes from the same contract helpers the server checks clicks with.
 */

/** What a control posts (the element's tag, value and name); option and form values are added on use. */
export type CardActionRef = Pick<CardActionInput, 'tag' | 'value' | 'name'>;

export interface CardOption {
  text: string;
  value: string;
  /** An option that opens a link instead of calling back (overflow menus). */
  url: string | null;
}

export type PickerMode = 'date' | 'time' | 'datetime';

export type CardControl =
  | {
      kind: 'button';
      text: string;
      /** `primary`, `danger` or `default` (Feishu's button types). */
      type: string;
      url: string | null;
      /** What a click sends; null for link buttons and form reset buttons. */
      action: CardActionRef | null;
      /** Inside a form: submit sends the form, reset clears it. */
      formRole: 'submit' | 'reset' | null;
    }
  | {
      kind: 'select';
      placeholder: string;
      initial: string | string[] | null;
      options: CardOption[];
      multiple: boolean;
      /** Outside a form a choice calls back at once; inside one it is a field (`fieldName`). */
      action: CardActionRef | null;
      fieldName: string | null;
      required: boolean;
    }
  | { kind: 'overflow'; options: CardOption[]; action: CardActionRef }
  | {
      kind: 'picker';
      mode: PickerMode;
      tag: 'date_picker' | 'picker_time' | 'picker_datetime';
      placeholder: string;
      initial: string | null;
      action: CardActionRef | null;
      fieldName: string | null;
      required: boolean;
    }
  | { kind: 'input'; label: string; placeholder: string; fieldName: string; required: boolean; maxLength: number; initial: string }
  | { kind: 'checker'; text: string; fieldName: string; initial: boolean; required: boolean };

export type CardElement =
  | { kind: 'markdown'; lines: ContentLine[] }
  | { kind: 'divider' }
  | { kind: 'note'; text: string }
  | { kind: 'image'; imageKey: string }
  | { kind: 'controls'; controls: CardControl[] }
  | { kind: 'form'; name: string; elements: CardElement[] };

const PICKERS: Record<string, PickerMode> = { date_picker: 'date', picker_time: 'time', picker_datetime: 'datetime' };

function isObject(value: unknown): value is CardJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The card's elements: JSON 2.0 `body.elements`, else `elements`, else `i18n_elements` in the viewer's language. */
export function cardBody(card: CardJson, preferredLocales: readonly string[] = ['zh_cn', 'en_us']): CardElement[] {
  const body = isObject(card.body) ? card.body : card;
  if (Array.isArray(body.elements)) return cardElements(body.elements, null);
  const i18n = isObject(card.i18n_elements) ? card.i18n_elements : {};
  const locale = [...preferredLocales, ...Object.keys(i18n)].find((key) => Array.isArray(i18n[key]));
  return locale ? cardElements(i18n[locale] as unknown[], null) : [];
}

/** Elements in document order; `form` is the form they sit in (fields and submit buttons behave differently there). */
function cardElements(elements: unknown[], form: CardJson | null): CardElement[] {
  const result: CardElement[] = [];
  for (const element of elements) {
    if (!isObject(element)) continue;
    const control = cardControl(element, form);
    if (control) {
      result.push({ kind: 'controls', controls: [control] });
      continue;
    }
    switch (element.tag) {
      case 'div': {
        const text = cardText(element.text);
        const fields = Array.isArray(element.fields) ? element.fields.map((field) => (isObject(field) ? cardText(field.text) : '')) : [];
        const all = [text, ...fields].filter(Boolean).join('\n');
        if (all) result.push({ kind: 'markdown', lines: parseCardMarkdown(all) });
        const extra = isObject(element.extra) ? cardControl(element.extra, form) : null;
        if (extra) result.push({ kind: 'controls', controls: [extra] });
        break;
      }
      case 'markdown':
      case 'lark_md':
      case 'plain_text':
        result.push({ kind: 'markdown', lines: parseCardMarkdown(asString(element.content)) });
        break;
      case 'hr':
        result.push({ kind: 'divider' });
        break;
      case 'note': {
        const text = Array.isArray(element.elements) ? element.elements.map(cardText).filter(Boolean).join(' ') : '';
        if (text) result.push({ kind: 'note', text });
        break;
      }
      case 'img':
        result.push({ kind: 'image', imageKey: asString(element.img_key) });
        break;
      case 'action': {
        const controls = (Array.isArray(element.actions) ? element.actions : [])
          .filter(isObject)
          .flatMap((item) => cardControl(item, form) ?? []);
        if (controls.length > 0) result.push({ kind: 'controls', controls });
        break;
      }
      case 'form':
        result.push({ kind: 'form', name: asString(element.name), elements: cardElements(cardChildren(element), element) });
        break;
      default:
        // column_set, collapsible_panel and other containers: their contents, in order.
        result.push(...cardElements(cardChildren(element), form));
        break;
    }
  }
  return joinButtonRows(result);
}

type ControlRow = Extract<CardElement, { kind: 'controls' }>;

function isButtonRow(element: CardElement | undefined): element is ControlRow {
  return element?.kind === 'controls' && element.controls.every((control) => control.kind === 'button');
}

/** Buttons that follow each other (a form's submit and reset) share one row, as Feishu lays them out. */
function joinButtonRows(elements: CardElement[]): CardElement[] {
  const joined: CardElement[] = [];
  for (const element of elements) {
    const previous = joined[joined.length - 1];
    if (isButtonRow(element) && isButtonRow(previous)) {
      joined[joined.length - 1] = { kind: 'controls', controls: [...previous.controls, ...element.controls] };
    } else joined.push(element);
  }
  return joined;
}

function actionRef(element: CardJson, tag: CardActionRef['tag']): CardActionRef {
  const value = cardCallbackValue(element) as CardActionRef['value'];
  const name = asString(element.name);
  return { tag, ...(value !== undefined ? { value } : {}), ...(name ? { name } : {}) };
}

/** The control an element is, or null when it is none. */
function cardControl(element: CardJson, form: CardJson | null): CardControl | null {
  const fieldName = form ? asString(element.name) || null : null;
  const required = element.required === true;
  const placeholder = cardText(element.placeholder);
  switch (element.tag) {
    case 'button': {
      const formRole = form ? formButtonKind(element) : null;
      const url = cardLinkOf(element);
      const callsBack = form ? formRole === 'submit' : !url;
      return {
        kind: 'button',
        text: cardText(element.text),
        type: asString(element.type) || 'default',
        url: url ? safeHref(url) : null,
        action: callsBack ? actionRef(element, 'button') : null,
        formRole,
      };
    }
    case 'select_static':
    case 'multi_select_static': {
      const multiple = element.tag === 'multi_select_static';
      // A multi-select only exists in forms; outside one it has nothing to send.
      if (multiple && !form) return null;
      const initial = multiple
        ? (Array.isArray(element.selected_values) ? element.selected_values : []).filter(
            (value): value is string => typeof value === 'string',
          )
        : asString(element.initial_option) || null;
      return {
        kind: 'select',
        placeholder,
        initial,
        options: optionsOf(element),
        multiple,
        action: form ? null : actionRef(element, 'select_static'),
        fieldName,
        required,
      };
    }
    case 'overflow':
      return form ? null : { kind: 'overflow', options: optionsOf(element), action: actionRef(element, 'overflow') };
    case 'date_picker':
    case 'picker_time':
    case 'picker_datetime': {
      const tag = element.tag;
      const initial = asString(element.initial_date) || asString(element.initial_time) || asString(element.initial_datetime) || null;
      return {
        kind: 'picker',
        mode: PICKERS[tag]!,
        tag,
        placeholder,
        initial,
        action: form ? null : actionRef(element, tag),
        fieldName,
        required,
      };
    }
    case 'input':
      return fieldName
        ? {
            kind: 'input',
            label: cardText(element.label),
            placeholder,
            fieldName,
            required,
            maxLength: typeof element.max_length === 'number' ? element.max_length : 1000,
            initial: asString(element.default_value),
          }
        : null;
    case 'checker':
      return fieldName ? { kind: 'checker', text: cardText(element.text), fieldName, initial: element.checked === true, required } : null;
    default:
      return null;
  }
}

function optionsOf(element: CardJson): CardOption[] {
  return cardOptions(element).flatMap((option) => {
    const value = asString(option.value);
    const url = cardLinkOf(option);
    return value || url ? [{ text: cardText(option.text) || value, value, url: url ? safeHref(url) : null }] : [];
  });
}

/** A control that is a field of a form: what its submit button sends under `fieldName`. */
export type CardField = Extract<CardControl, { kind: 'select' | 'picker' | 'input' | 'checker' }> & { fieldName: string };

function isField(control: CardControl): control is CardField {
  return 'fieldName' in control && Boolean(control.fieldName);
}

/** A form's fields anywhere in its elements, in order. */
export function formFields(elements: readonly CardElement[]): CardField[] {
  return elements.flatMap((element) => {
    if (element.kind === 'controls') return element.controls.filter(isField);
    if (element.kind === 'form') return formFields(element.elements);
    return [];
  });
}

export type FieldValue = string | string[] | boolean;

/** A field's starting value, as its form would send it. */
export function fieldInitial(field: CardField): FieldValue {
  switch (field.kind) {
    case 'checker':
      return field.initial;
    case 'select':
      return field.initial ?? (field.multiple ? [] : '');
    case 'picker': {
      const date = field.initial ? parsePick(field.initial, field.mode) : null;
      return date ? formatPick(date, field.mode) : '';
    }
    case 'input':
      return field.initial;
  }
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The UTC offset Feishu appends to picked dates: `+0800`. */
function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** A picked moment in Feishu's callback format: `2024-05-01 +0800`, `09:30 +0800`, `2024-05-01 09:30 +0800`. */
export function formatPick(date: Date, mode: PickerMode): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const parts = mode === 'date' ? [day] : mode === 'time' ? [time] : [day, time];
  return [...parts, utcOffset(date)].join(' ');
}

/** A card's `initial_date` / `initial_time` / `initial_datetime` (or a picked value) as a local Date. */
export function parsePick(text: string, mode: PickerMode): Date | null {
  const match = /^(?:(\d{4})-(\d{2})-(\d{2}))?\s*(?:(\d{2}):(\d{2}))?/.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hours, minutes] = match;
  if ((mode !== 'time' && !year) || (mode !== 'date' && !hours)) return null;
  const date = year ? new Date(Number(year), Number(month) - 1, Number(day)) : new Date();
  date.setHours(Number(hours ?? 0), Number(minutes ?? 0), 0, 0);
  return Number.isNaN(date.getTime()) ? null : date;
}
