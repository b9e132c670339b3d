import { IconMore } from '@douyinfe/semi-icons';
import { Button, Checkbox, DatePicker, Dropdown, Input, Select, TimePicker, Toast } from '@douyinfe/semi-ui';
import type { CardActionInput, CardToast } from '@kite/im/contract';
import { useErrorText } from '@kite/ui/error-text';
import { type Locale, useLocale, useMessages } from '@kite/ui/i18n';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, Fragment, type ReactNode, useCallback, useContext, useId, useMemo, useRef, useState } from 'react';
import { cardErrorTexts, cardMessages } from './card-messages.ts';
import {
  type CardActionRef,
  type CardControl,
  type CardElement,
  type FieldValue,
  fieldInitial,
  formatPick,
  formFields,
  parsePick,
} from './card-model.ts';
import { postCardAction } from './im-api.ts';
import { writeMessage } from './im-cache.ts';
import { imErrorTexts } from './im-messages.ts';
import './card-controls.css';

/**
 * The controls of a bot's card: buttons, menus, pickers and forms. A use posts to the server, which
 * calls the app; while it runs the control shows it is busy and the card's other controls wait. The
 * app's answer comes back as a toast for the clicker and/or a new card, written into the caches
 * here (everyone else in the chat gets it as `im.message.updated`).
 */

/** The message a card belongs to, so its controls can reach the app that sent it. */
export interface CardTarget {
  messageId: string;
  /** The chat's key in the caches (`ChatView.id`). */
  chatKey: string;
}

interface CardActions {
  /** Sends one action; resolves whether the app took it. Ignored while another action of the card runs. */
  run(key: string, input: CardActionInput): Promise<boolean>;
  /** The control whose action is under way, if any. */
  pending: string | null;
  /** False for a card shown without its message (nothing to call). */
  connected: boolean;
}

const CardActionsContext = createContext<CardActions>({ run: async () => false, pending: null, connected: false });

const ERROR_TEXTS = { ...imErrorTexts, ...cardErrorTexts };
const TOAST_LOCALES: Record<Locale, string> = { 'zh-CN': 'zh_cn', 'en-US': 'en_us' };

function showToast(toast: CardToast, locale: Locale): void {
  const content = toast.i18n?.[TOAST_LOCALES[locale]] || toast.content || Object.values(toast.i18n ?? {})[0] || '';
  // Called as a method: Semi's Toast statics use `this`.
  Toast[toast.type]({ content, duration: 3 });
}

/** Gives the controls inside a way to call the card's app. */
export function CardActionScope({ target, children }: { target: CardTarget | undefined; children: ReactNode }) {
  const queryClient = useQueryClient();
  const { locale } = useLocale();
  const errorText = useErrorText(ERROR_TEXTS);
  const [pending, setPending] = useState<string | null>(null);
  const busy = useRef(false);
  const messageId = target?.messageId;
  const chatKey = target?.chatKey;
  const run = useCallback(
    async (key: string, input: CardActionInput) => {
      if (!messageId || !chatKey || busy.current) return false;
      busy.current = true;
      setPending(key);
      try {
        const result = await postCardAction(messageId, input);
        if (result.message) writeMessage(queryClient, chatKey, result.message);
        if (result.toast) showToast(result.toast, locale);
        return true;
      } catch (error) {
        Toast.error({ content: errorText(error), duration: 4 });
        return false;
      } finally {
        busy.current = false;
        setPending(null);
      }
    },
    [messageId, chatKey, queryClient, locale, errorText],
  );
  const value = useMemo(() => ({ run, pending, connected: Boolean(messageId) }), [run, pending, messageId]);
  return <CardActionsContext.Provider value={value}>{children}</CardActionsContext.Provider>;
}

/** A row of controls; form fields take the full width. */
export function CardControls({ controls }: { controls: readonly CardControl[] }) {
  return (
    <div className="kite-im-card__actions">
      {controls.map((control, index) => (
        <Control key={index} control={control} />
      ))}
    </div>
  );
}

function Control({ control }: { control: CardControl }) {
  switch (control.kind) {
    case 'button':
      return <CardButton control={control} />;
    case 'select':
      return <CardSelect control={control} />;
    case 'overflow':
      return <CardOverflow control={control} />;
    case 'picker':
      return <CardPicker control={control} />;
    case 'input':
      return <CardInput control={control} />;
    case 'checker':
      return <CardChecker control={control} />;
  }
}

/** Whether this control may start an action now, and whether it is the one running. */
function useActionState(key: string) {
  const actions = useContext(CardActionsContext);
  return {
    ...actions,
    busy: actions.pending === key,
    blocked: !actions.connected || (actions.pending !== null && actions.pending !== key),
  };
}

function CardButton({ control }: { control: Extract<CardControl, { kind: 'button' }> }) {
  const key = useId();
  const { run, busy, blocked } = useActionState(key);
  const form = useContext(CardFormContext);
  if (control.url) {
    return (
      <a href={control.url} target="_blank" rel="noopener noreferrer nofollow" className="kite-im-card__link-button">
        {control.text}
      </a>
    );
  }
  const click = () => {
    if (control.formRole === 'reset') form?.reset();
    else if (control.action && control.formRole === 'submit' && form) void form.submit(key, control.action);
    else if (control.action) void run(key, control.action);
  };
  return (
    <Button
      size="small"
      type={control.type === 'danger' ? 'danger' : control.type === 'primary' ? 'primary' : 'tertiary'}
      theme={control.type === 'primary' ? 'solid' : 'light'}
      loading={busy}
      disabled={control.formRole === 'reset' ? false : blocked || !control.action}
      onClick={click}
      data-testid="card-button"
    >
      {control.text}
    </Button>
  );
}

/** A menu or picker: a field of its form, or (outside a form) an action sent as soon as it changes. */
function useFieldOrAction<T>(control: { fieldName: string | null; action: CardActionRef | null }, initial: T) {
  const key = useId();
  const state = useActionState(key);
  const form = useContext(CardFormContext);
  const [shown, setShown] = useState<T>(initial);
  const inForm = Boolean(form && control.fieldName);
  const change = (next: T, option: FieldValue, timezone?: string) => {
    const previous = shown;
    setShown(next);
    if (inForm) {
      form!.set(control.fieldName!, option);
      return;
    }
    if (!control.action || typeof option !== 'string' || !option) return;
    // A refused choice goes back to what it was, so the card never shows what the app did not take.
    void state.run(key, { ...control.action, option, ...(timezone ? { timezone } : {}) }).then((ok) => ok || setShown(previous));
  };
  return {
    shown,
    change,
    busy: state.busy,
    disabled: inForm ? !state.connected : state.blocked,
    invalid: inForm && form!.missing.has(control.fieldName!),
  };
}

function CardSelect({ control }: { control: Extract<CardControl, { kind: 'select' }> }) {
  const t = useMessages(cardMessages);
  const { shown, change, busy, disabled, invalid } = useFieldOrAction<string | string[] | null>(control, control.initial);
  return (
    <Select
      size="small"
      className="kite-im-card__select"
      placeholder={control.placeholder || t('cardChoose')}
      value={shown ?? undefined}
      multiple={control.multiple}
      maxTagCount={3}
      loading={busy}
      disabled={disabled}
      validateStatus={invalid ? 'error' : 'default'}
      optionList={control.options.filter((option) => !option.url).map((option) => ({ label: option.text, value: option.value }))}
      onChange={(next) => {
        const value = next as string | string[];
        change(value, value);
      }}
      data-testid="card-select"
    />
  );
}

function CardOverflow({ control }: { control: Extract<CardControl, { kind: 'overflow' }> }) {
  const t = useMessages(cardMessages);
  const key = useId();
  const { run, busy, blocked } = useActionState(key);
  const menu = (
    <Dropdown.Menu>
      {control.options.map((option) => (
        <Dropdown.Item
          key={`${option.value}|${option.url ?? ''}`}
          disabled={!option.url && blocked}
          onClick={() =>
            option.url
              ? window.open(option.url, '_blank', 'noopener,noreferrer')
              : void run(key, { ...control.action, option: option.value })
          }
        >
          {option.text}
        </Dropdown.Item>
      ))}
    </Dropdown.Menu>
  );
  return (
    <Dropdown trigger="click" position="bottomLeft" render={menu}>
      <Button size="small" theme="light" type="tertiary" icon={<IconMore />} aria-label={t('cardMore')} loading={busy} />
    </Dropdown>
  );
}

const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function CardPicker({ control }: { control: Extract<CardControl, { kind: 'picker' }> }) {
  const t = useMessages(cardMessages);
  const initial = control.initial ? parsePick(control.initial, control.mode) : null;
  const { shown, change, busy, disabled, invalid } = useFieldOrAction<Date | null>(control, initial);
  const pick = (value: unknown) => {
    const date = value instanceof Date ? value : null;
    change(date, date ? formatPick(date, control.mode) : '', timeZone());
  };
  const common = {
    size: 'small' as const,
    className: 'kite-im-card__picker',
    value: shown ?? undefined,
    disabled: disabled || busy,
    validateStatus: invalid ? ('error' as const) : ('default' as const),
    'data-testid': 'card-picker',
  };
  if (control.mode === 'time') {
    return <TimePicker {...common} format="HH:mm" placeholder={control.placeholder || t('cardPickTime')} onChange={(time) => pick(time)} />;
  }
  return (
    <DatePicker
      {...common}
      type={control.mode === 'date' ? 'date' : 'dateTime'}
      format={control.mode === 'date' ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH:mm'}
      placeholder={control.placeholder || (control.mode === 'date' ? t('cardPickDate') : t('cardPickDateTime'))}
      onChange={(date) => pick(date)}
    />
  );
}

function FieldLabel({ text, required }: { text: string; required: boolean }) {
  if (!text && !required) return null;
  return (
    <span className="kite-im-card__label">
      {text}
      {required ? <span className="kite-im-card__required">*</span> : null}
    </span>
  );
}

function CardInput({ control }: { control: Extract<CardControl, { kind: 'input' }> }) {
  const form = useContext(CardFormContext);
  const { connected } = useContext(CardActionsContext);
  const value = form?.values[control.fieldName];
  return (
    <div className="kite-im-card__field">
      <FieldLabel text={control.label} required={control.required} />
      <Input
        size="small"
        aria-label={control.label || control.placeholder}
        value={typeof value === 'string' ? value : ''}
        placeholder={control.placeholder}
        maxLength={control.maxLength}
        disabled={!connected || !form}
        validateStatus={form?.missing.has(control.fieldName) ? 'error' : 'default'}
        onChange={(next) => form?.set(control.fieldName, next)}
        data-testid="card-input"
      />
    </div>
  );
}

function CardChecker({ control }: { control: Extract<CardControl, { kind: 'checker' }> }) {
  const form = useContext(CardFormContext);
  const { connected } = useContext(CardActionsContext);
  return (
    <Checkbox
      checked={form?.values[control.fieldName] === true}
      disabled={!connected || !form}
      onChange={(event) => form?.set(control.fieldName, Boolean(event.target.checked))}
    >
      {control.text}
      {control.required ? <span className="kite-im-card__required">*</span> : null}
    </Checkbox>
  );
}

interface CardFormState {
  values: Record<string, FieldValue>;
  set(name: string, value: FieldValue): void;
  /** Back to the card's initial values. */
  reset(): void;
  /** Required fields left empty at the last submit. */
  missing: ReadonlySet<string>;
  submit(key: string, action: CardActionRef): Promise<void>;
}

const CardFormContext = createContext<CardFormState | null>(null);

const isEmpty = (value: FieldValue | undefined) =>
  value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0);

/** A card form: its fields keep their values here until the submit button sends them as `formValue`. */
export function CardForm({ elements, children }: { elements: readonly CardElement[]; children: ReactNode }) {
  const t = useMessages(cardMessages);
  const { run } = useContext(CardActionsContext);
  const fields = useMemo(() => formFields(elements), [elements]);
  const initial = useMemo(() => Object.fromEntries(fields.map((field) => [field.fieldName, fieldInitial(field)])), [fields]);
  const [values, setValues] = useState<Record<string, FieldValue>>(initial);
  const [missing, setMissing] = useState<ReadonlySet<string>>(new Set());
  // Bumped by reset: the fields remount, so pickers and menus forget what they showed.
  const [generation, setGeneration] = useState(0);

  const state: CardFormState = {
    values,
    missing,
    set: (name, value) => {
      setValues((current) => ({ ...current, [name]: value }));
      setMissing((current) => (current.has(name) ? new Set([...current].filter((entry) => entry !== name)) : current));
    },
    reset: () => {
      setValues(initial);
      setMissing(new Set());
      setGeneration((current) => current + 1);
    },
    submit: async (key, action) => {
      const empty = fields.filter((field) => field.required && isEmpty(values[field.fieldName])).map((field) => field.fieldName);
      if (empty.length > 0) {
        setMissing(new Set(empty));
        Toast.warning({ content: t('cardRequired'), duration: 3 });
        return;
      }
      const formValue = Object.fromEntries(Object.entries(values).filter(([, value]) => !isEmpty(value)));
      await run(key, { ...action, formValue });
    },
  };
  return (
    <CardFormContext.Provider value={state}>
      <div className="kite-im-card__form" data-testid="card-form">
        <Fragment key={generation}>{children}</Fragment>
      </div>
    </CardFormContext.Provider>
  );
}
