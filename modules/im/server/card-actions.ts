import {
  type CardActionElement,
  type CardActionInput,
  type CardJson,
  cardActionElements,
  cardCallbackValue,
  cardFormFields,
  cardLinkOf,
  cardOptions,
} from '@kite/im/contract';
import { AppError } from '@kite/kernel/errors';

/**
 * Checks a card click against the card as stored, so nobody can make Kite call an app with an action
 * its card never offered (a forged callback): the element must exist with this tag, value and name,
 * a chosen option must be one of its options, a date must be a date, and a form may only send its
 * own fields with values they allow.
 */

/** A click as the app receives it (Feishu's `action` object, before naming). */
export interface CardAction {
  tag: string;
  /** The element's value as the card holds it; `{}` when it has none (Feishu sends an object). */
  value: unknown;
  name?: string;
  option?: string;
  timezone?: string;
  formValue?: Record<string, unknown>;
}

export function cardActionInvalid(message: string): AppError {
  return new AppError('card_action_invalid', message, { status: 400 });
}

/** Feishu's picker formats: `2024-05-01 +0800`, `09:30 +0800`, `2024-05-01 09:30 +0800` (offset optional). */
const PICKER_FORMATS: Record<string, RegExp> = {
  date_picker: /^\d{4}-\d{2}-\d{2}( [+-]\d{4})?$/,
  picker_time: /^\d{2}:\d{2}( [+-]\d{4})?$/,
  picker_datetime: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}( [+-]\d{4})?$/,
};

/** Feishu's default `max_length` of an input. */
const INPUT_MAX_LENGTH = 1000;

/**
 * The action `input` names in `card`, checked.
 * @throws AppError `card_action_invalid` when the card has no such element or the values do not fit it
 */
export function resolveCardAction(card: unknown, input: CardActionInput): CardAction {
  const candidates = cardActionElements(card).filter(
    ({ element }) =>
      element.tag === input.tag &&
      sameJson(cardCallbackValue(element) ?? {}, input.value ?? {}) &&
      (input.name === undefined || element.name === input.name),
  );
  if (candidates.length === 0) throw cardActionInvalid('This card has no such action');
  let problem = '';
  for (const candidate of candidates) {
    problem = detailsProblem(candidate, input);
    if (!problem) return actionOf(candidate.element, input);
  }
  throw cardActionInvalid(problem);
}

function actionOf(element: CardJson, input: CardActionInput): CardAction {
  return {
    tag: input.tag,
    value: cardCallbackValue(element) ?? {},
    ...(typeof element.name === 'string' && element.name ? { name: element.name } : {}),
    ...(input.option !== undefined ? { option: input.option } : {}),
    ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
    ...(input.formValue !== undefined ? { formValue: input.formValue } : {}),
  };
}

/** Why `input`'s option or form values do not fit `candidate`; '' when they do. */
function detailsProblem({ element, form }: CardActionElement, input: CardActionInput): string {
  if (form) {
    if (input.option !== undefined) return 'A form button takes no option';
    return formProblem(form, input.formValue ?? {});
  }
  if (input.formValue !== undefined) return 'Only a form’s submit button sends form values';
  if (input.tag === 'button') return input.option === undefined ? '' : 'A button takes no option';
  if (input.option === undefined) return 'Choose an option';
  return fieldValueProblem(element, input.option);
}

function formProblem(form: CardJson, values: Record<string, unknown>): string {
  const fields = new Map(cardFormFields(form).map((field) => [field.name as string, field]));
  for (const [name, value] of Object.entries(values)) {
    const field = fields.get(name);
    if (!field) return `The form has no field ${name}`;
    const problem = fieldValueProblem(field, value);
    if (problem) return `${name}: ${problem}`;
  }
  for (const [name, field] of fields) {
    if (field.required === true && isEmpty(values[name])) return `${name} is required`;
  }
  return '';
}

/** Whether `value` is something `field` (or a menu or picker used on its own) can hold. */
function fieldValueProblem(field: CardJson, value: unknown): string {
  switch (field.tag) {
    case 'input': {
      const max = typeof field.max_length === 'number' ? field.max_length : INPUT_MAX_LENGTH;
      if (typeof value !== 'string') return 'expected text';
      return [...value].length <= max ? '' : `at most ${max} characters`;
    }
    case 'checker':
      return typeof value === 'boolean' ? '' : 'expected true or false';
    case 'select_static':
    case 'overflow':
      return typeof value === 'string' && optionValues(field).includes(value) ? '' : 'not one of the options';
    case 'multi_select_static': {
      const allowed = optionValues(field);
      return Array.isArray(value) && value.every((item) => typeof item === 'string' && allowed.includes(item))
        ? ''
        : 'not one of the options';
    }
    default: {
      const format = PICKER_FORMATS[String(field.tag)];
      return format && typeof value === 'string' && format.test(value) ? '' : 'not a valid date or time';
    }
  }
}

/** Options that call back: an overflow option with a URL opens it instead. */
function optionValues(element: CardJson): string[] {
  return cardOptions(element).flatMap((option) => (typeof option.value === 'string' && !cardLinkOf(option) ? [option.value] : []));
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0);
}

/** Deep equality of JSON values, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
