import {
  type ChatSettings,
  MAX_SYSTEM_TARGETS,
  type PerSettingValue,
  SYSTEM_SETTINGS,
  SYSTEM_TEMPLATES,
  type SystemMessageView,
  type SystemPartyView,
  type SystemSettingChange,
  type SystemTemplate,
} from '@kite/im/contract';
import { newId, publicId } from '@kite/kernel/ids';
import type { ChatRow, MessageRow, Party } from './im-repository.ts';

/** A person's or bot's current name (`''` when unknown). */
export type NameOf = (party: Party) => string;

/**
 * The stored content of a system message: a template key and references by id. Names are looked
 * up whenever it is presented, so a renamed person reads under their new name, and each viewer's
 * client words it in their language. Internal: the web gets {@link SystemMessageView}, apps
 * Feishu's `{template, from_user, to_chatters}` ({@link openSystemContent}).
 */
export interface SystemContent {
  template: SystemTemplate;
  operator?: Party;
  targets?: Party[];
  /** How many targets there were (more than `targets` holds past {@link MAX_SYSTEM_TARGETS}). */
  targetCount?: number;
  name?: string;
  messageId?: string;
  setting?: SystemSettingChange;
}

/** A system message's content: the first {@link MAX_SYSTEM_TARGETS} targets named, all of them counted. */
export function systemContent(
  template: SystemTemplate,
  fields: { operator?: Party | null; targets?: readonly Party[]; name?: string; messageId?: string; setting?: SystemSettingChange } = {},
): SystemContent {
  const targets = fields.targets ?? [];
  return {
    template,
    ...(fields.operator ? { operator: { kind: fields.operator.kind, id: fields.operator.id } } : {}),
    ...(targets.length > 0
      ? { targets: targets.slice(0, MAX_SYSTEM_TARGETS).map(({ kind, id }) => ({ kind, id })), targetCount: targets.length }
      : {}),
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.messageId ? { messageId: fields.messageId } : {}),
    ...(fields.setting ? { setting: { ...fields.setting } } : {}),
  };
}

const MEMBERSHIP_TEMPLATES = {
  added: { people: 'members_added', bots: 'bots_added', department: 'department_members_added' },
  removed: { people: 'members_removed', bots: 'bots_removed', department: 'department_members_removed' },
} as const satisfies Record<string, Record<string, SystemTemplate>>;

/**
 * People and bots added or removed, as one line: bots alone read as bots, a department group's
 * sync (no operator) as joining or leaving with the department.
 */
export function membershipContent(change: 'added' | 'removed', operator: Party | null, targets: readonly Party[]): SystemContent {
  const who = !operator ? 'department' : targets.every((party) => party.kind !== 'user') ? 'bots' : 'people';
  return systemContent(MEMBERSHIP_TEMPLATES[change][who], { operator, targets });
}

/**
 * The lines a chat update leaves: one per field people notice in the header, and one per group
 * setting that changed, naming its new value (Feishu: "Alice changed the settings: only the owner
 * and admins can post").
 */
export function chatChangeContents(
  changed: readonly string[],
  operator: Party,
  after: { name: string; settings: ChatSettings },
  settingsBefore: ChatSettings,
): SystemContent[] {
  return [
    ...(changed.includes('name') ? [systemContent('chat_renamed', { operator, name: after.name })] : []),
    ...(changed.includes('description') ? [systemContent('description_changed', { operator })] : []),
    ...(changed.includes('announcement') ? [systemContent('announcement_changed', { operator })] : []),
    ...settingChanges(settingsBefore, after.settings).map((setting) => systemContent('settings_changed', { operator, setting })),
  ];
}

/** Each setting whose value changed; a new list of who may post counts while that list applies. */
function settingChanges(before: ChatSettings, after: ChatSettings): SystemSettingChange[] {
  const listChanged =
    after.postPolicy === 'listed' && [...before.postAllowedUserIds].sort().join() !== [...after.postAllowedUserIds].sort().join();
  return SYSTEM_SETTINGS.filter((name) => before[name] !== after[name] || (name === 'postPolicy' && listChanged)).map(
    (name) => ({ name, value: after[name] }) as SystemSettingChange,
  );
}

/** The columns of a message that answers nothing, names nobody and was never changed (system lines, cards for one person). */
export const STANDALONE_MESSAGE = {
  parent_id: null,
  root_id: null,
  thread_id: null,
  in_thread: false,
  mentions: [],
  mention_user_ids: [],
  mentions_all: false,
  uuid: null,
  edited: false,
  recalled: false,
  card_template: null,
} as const satisfies Partial<MessageRow>;

/**
 * A system message's row: the chat's next seq, no sender, nothing to search (`search_terms` `''`, so
 * the backfill leaves it alone), no mentions.
 */
export function systemMessageRow(chat: Pick<ChatRow, 'id' | 'tenant_id' | 'last_seq'>, content: SystemContent, now: Date): MessageRow {
  return {
    id: newId(),
    tenant_id: chat.tenant_id,
    chat_id: chat.id,
    message_id: publicId.messageId(),
    seq: Number(chat.last_seq) + 1,
    sender_kind: 'system',
    sender_id: '',
    msg_type: 'system',
    content: JSON.stringify(content),
    search_text: '',
    search_terms: '',
    ...STANDALONE_MESSAGE,
    created_at: now,
    updated_at: now,
  };
}

const TEMPLATE_SET = new Set<string>(SYSTEM_TEMPLATES);
const PARTY_KINDS = new Set(['user', 'app', 'webhook']);

const SETTING_VALUES: Record<SystemSettingChange['name'], readonly string[]> = {
  postPolicy: ['all', 'admins', 'listed'],
  addMemberPolicy: ['all', 'admins'],
  atAllPolicy: ['all', 'admins'],
  buzzPolicy: ['all', 'admins'],
  pinPolicy: ['all', 'admins'],
  messageForm: ['chat', 'thread'],
};

function asSetting(value: unknown): SystemSettingChange | null {
  const candidate = value as { name?: unknown; value?: unknown } | null;
  const allowed =
    candidate && Object.hasOwn(SETTING_VALUES, candidate.name as string)
      ? SETTING_VALUES[candidate.name as SystemSettingChange['name']]
      : null;
  return allowed?.includes(candidate!.value as string) ? ({ name: candidate!.name, value: candidate!.value } as SystemSettingChange) : null;
}

function asParty(value: unknown): Party | null {
  const candidate = value as { kind?: unknown; id?: unknown } | null;
  return candidate && PARTY_KINDS.has(candidate.kind as string) && typeof candidate.id === 'string'
    ? { kind: candidate.kind as Party['kind'], id: candidate.id }
    : null;
}

/** The stored content read back; null when it is not a system message's (never expected). */
export function parseSystemContent(content: string): SystemContent | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || !TEMPLATE_SET.has(value.template as string)) return null;
  const targets = Array.isArray(value.targets) ? value.targets.map(asParty).filter((party): party is Party => party !== null) : [];
  const operator = asParty(value.operator);
  const setting = asSetting(value.setting);
  return {
    template: value.template as SystemTemplate,
    ...(operator ? { operator } : {}),
    ...(targets.length > 0
      ? { targets, targetCount: Math.max(typeof value.targetCount === 'number' ? value.targetCount : 0, targets.length) }
      : {}),
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    ...(typeof value.messageId === 'string' ? { messageId: value.messageId } : {}),
    ...(setting ? { setting } : {}),
  };
}

/** Whom a stored system message names: what presenting it must look up. */
export function systemPartiesOf(content: string): Party[] {
  const parsed = parseSystemContent(content);
  return parsed ? [...(parsed.operator ? [parsed.operator] : []), ...(parsed.targets ?? [])] : [];
}

function partyView(party: Party, nameOf: NameOf): SystemPartyView {
  return { type: party.kind, id: party.id, name: nameOf(party) };
}

/** The web's view of a stored system message, with current names; null when unreadable. */
export function presentSystem(content: string, nameOf: NameOf): SystemMessageView | null {
  const parsed = parseSystemContent(content);
  if (!parsed) return null;
  const targets = (parsed.targets ?? []).map((party) => partyView(party, nameOf));
  return {
    template: parsed.template,
    operator: parsed.operator ? partyView(parsed.operator, nameOf) : null,
    targets,
    targetCount: parsed.targetCount ?? 0,
    ...(parsed.name !== undefined ? { name: parsed.name } : {}),
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
    ...(parsed.setting ? { setting: parsed.setting } : {}),
  };
}

/**
 * Feishu's wording of each template: the shape apps parse (`{from_user}`, `{to_chatters}`; other
 * slots are filled from the key of the same name in the content).
 */
const OPEN_TEMPLATES: Record<SystemTemplate, string> = {
  chat_created: '{from_user} started the group chat.',
  members_added: '{from_user} invited {to_chatters} to the group.',
  bots_added: '{from_user} added {to_chatters} to the group.',
  department_members_added: '{to_chatters} joined the group with their department.',
  members_removed: '{from_user} removed {to_chatters} from the group.',
  bots_removed: '{from_user} removed {to_chatters} from the group.',
  department_members_removed: '{to_chatters} left the group: no longer in the department.',
  member_left: '{from_user} left the group.',
  chat_renamed: '{from_user} changed the group name to "{group_name}".',
  description_changed: '{from_user} changed the group description.',
  announcement_changed: '{from_user} updated the group announcement.',
  owner_transferred: '{from_user} transferred the group owner to {to_chatters}.',
  admins_added: '{from_user} assigned {to_chatters} as group admins.',
  admins_removed: '{from_user} removed {to_chatters} from the group admins.',
  message_pinned: '{from_user} pinned a message.',
  message_unpinned: '{from_user} unpinned a message.',
  // Worded per setting and value below (OPEN_SETTING_TEMPLATES); this is the fallback.
  settings_changed: '{from_user} changed the group settings.',
  webhook_bot_added: '{from_user} added custom bot {to_chatters} to the group.',
  webhook_bot_removed: '{from_user} removed custom bot {to_chatters} from the group.',
};

/** `settings_changed` for apps: the new value in words, as the template. */
const OPEN_SETTING_TEMPLATES: PerSettingValue<string> = {
  postPolicy: {
    all: '{from_user} changed the group settings: all members can send messages.',
    admins: '{from_user} changed the group settings: only the group owner and admins can send messages.',
    listed: '{from_user} changed the group settings: only the group owner, admins and selected members can send messages.',
  },
  addMemberPolicy: {
    all: '{from_user} changed the group settings: all members can add members.',
    admins: '{from_user} changed the group settings: only the group owner and admins can add members.',
  },
  atAllPolicy: {
    all: '{from_user} changed the group settings: all members can @all.',
    admins: '{from_user} changed the group settings: only the group owner and admins can @all.',
  },
  buzzPolicy: {
    all: '{from_user} changed the group settings: all members can send buzz messages.',
    admins: '{from_user} changed the group settings: only the group owner and admins can send buzz messages.',
  },
  pinPolicy: {
    all: '{from_user} changed the group settings: all members can pin messages.',
    admins: '{from_user} changed the group settings: only the group owner and admins can pin messages.',
  },
  messageForm: {
    chat: '{from_user} changed the group settings: messages are shown as a conversation.',
    thread: '{from_user} changed the group settings: messages are shown as topics.',
  },
};

function openTemplate(view: SystemMessageView): string {
  if (view.setting) return (OPEN_SETTING_TEMPLATES[view.setting.name] as Record<string, string>)[view.setting.value]!;
  if (view.template === 'chat_created' && view.targetCount > 0) return '{from_user} started the group chat and invited {to_chatters}.';
  return OPEN_TEMPLATES[view.template];
}

/**
 * The content apps read (`GET messages`, Feishu's `msg_type: "system"`):
 * `{"template":"{from_user} invited {to_chatters} to the group.","from_user":["A"],"to_chatters":["B"],"divider_text":{}}`.
 * A created group that invited people says so in a second sentence; names beyond those listed are counted.
 */
export function openSystemContent(view: SystemMessageView): string {
  let template = openTemplate(view);
  const others = view.targetCount - view.targets.length;
  if (others > 0) template = template.replace('{to_chatters}', `{to_chatters} and ${others} others`);
  return JSON.stringify({
    template,
    from_user: view.operator ? [view.operator.name] : [],
    to_chatters: view.targets.map((target) => target.name),
    divider_text: {},
    ...(view.name !== undefined ? { group_name: view.name } : {}),
    ...(view.messageId ? { message_id: view.messageId } : {}),
  });
}
