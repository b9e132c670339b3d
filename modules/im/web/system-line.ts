import type { PerSettingValue, SystemMessageView, SystemPartyView, SystemSettingChange, SystemTemplate } from '@kite/im/contract';
import type { Locale, Translate } from '@kite/ui/i18n';
import type { SystemLineKey } from './system-line-messages.ts';

/**
 * A system line (a member added, the group renamed) worded for one viewer: their language, "you"
 * for themselves, current names, at most {@link NAMED_TARGETS} names and then "N others". The
 * server stores only the template and who; everything said here is the viewer's client's.
 */

/** Names a line spells out before counting the rest. */
export const NAMED_TARGETS = 3;

export type SystemSegment =
  | { kind: 'text'; text: string }
  /** A person or bot; `self` when it is the viewer. */
  | { kind: 'party'; text: string; party: SystemPartyView; self: boolean }
  /** "N others": `parties` are those of them the server named (for a tooltip). */
  | { kind: 'others'; text: string; parties: SystemPartyView[] }
  /** The pinned message, a link to it. */
  | { kind: 'message'; text: string; messageId: string };

const TEMPLATE_KEYS: Record<SystemTemplate, SystemLineKey> = {
  chat_created: 'systemChatCreated',
  members_added: 'systemMembersAdded',
  bots_added: 'systemBotsAdded',
  department_members_added: 'systemDepartmentMembersAdded',
  members_removed: 'systemMembersRemoved',
  bots_removed: 'systemBotsRemoved',
  department_members_removed: 'systemDepartmentMembersRemoved',
  member_left: 'systemMemberLeft',
  chat_renamed: 'systemChatRenamed',
  description_changed: 'systemDescriptionChanged',
  announcement_changed: 'systemAnnouncementChanged',
  owner_transferred: 'systemOwnerTransferred',
  admins_added: 'systemAdminsAdded',
  admins_removed: 'systemAdminsRemoved',
  message_pinned: 'systemMessagePinned',
  message_unpinned: 'systemMessageUnpinned',
  settings_changed: 'systemSettingsChanged',
  webhook_bot_added: 'systemWebhookBotAdded',
  webhook_bot_removed: 'systemWebhookBotRemoved',
};

/** A changed group setting's new value in words ("only the owner and admins can post"). */
const SETTING_KEYS: PerSettingValue<SystemLineKey> = {
  postPolicy: { all: 'systemSettingPostAll', admins: 'systemSettingPostAdmins', listed: 'systemSettingPostListed' },
  addMemberPolicy: { all: 'systemSettingAddMembersAll', admins: 'systemSettingAddMembersAdmins' },
  atAllPolicy: { all: 'systemSettingAtAllAll', admins: 'systemSettingAtAllAdmins' },
  buzzPolicy: { all: 'systemSettingBuzzAll', admins: 'systemSettingBuzzAdmins' },
  pinPolicy: { all: 'systemSettingPinAll', admins: 'systemSettingPinAdmins' },
  messageForm: { chat: 'systemSettingFormChat', thread: 'systemSettingFormThread' },
};

function settingKey(setting: SystemSettingChange): SystemLineKey {
  return (SETTING_KEYS[setting.name] as Record<string, SystemLineKey>)[setting.value]!;
}

const PLACEHOLDER = /\{(operator|targets|name|message|setting)\}/g;

interface Wording {
  t: Translate<SystemLineKey>;
  locale: Locale;
  viewerUserId: string;
}

function partySegment(party: SystemPartyView, { t, viewerUserId }: Wording): SystemSegment {
  const self = party.type === 'user' && party.id === viewerUserId;
  return { kind: 'party', text: self ? t('systemYou') : party.name || t('systemSomeone'), party, self };
}

/** "A, B and C" or "A, B, C and 27 others", in the locale's way of listing (Intl.ListFormat). */
function targetSegments(view: SystemMessageView, wording: Wording): SystemSegment[] {
  const named = view.targetCount > NAMED_TARGETS ? view.targets.slice(0, NAMED_TARGETS) : view.targets;
  const items: SystemSegment[] = named.map((party) => partySegment(party, wording));
  const others = Math.max(view.targetCount - named.length, 0);
  if (others > 0) {
    items.push({ kind: 'others', text: wording.t('systemOthers', { count: others }), parties: view.targets.slice(named.length) });
  }
  if (items.length === 0) return [{ kind: 'text', text: wording.t('systemSomeone') }];
  const parts = new Intl.ListFormat(wording.locale, { style: 'long', type: 'conjunction' }).formatToParts(items.map((item) => item.text));
  let next = 0;
  return parts.map((part) => (part.type === 'element' ? items[next++]! : { kind: 'text', text: part.value }));
}

function placeholderSegments(name: string, view: SystemMessageView, wording: Wording): SystemSegment[] {
  switch (name) {
    case 'operator':
      return [view.operator ? partySegment(view.operator, wording) : { kind: 'text', text: wording.t('systemSomeone') }];
    case 'targets':
      return targetSegments(view, wording);
    case 'name':
      return [{ kind: 'text', text: view.name ?? '' }];
    case 'setting':
      return [{ kind: 'text', text: view.setting ? wording.t(settingKey(view.setting)) : '' }];
    default:
      return view.messageId ? [{ kind: 'message', text: wording.t('systemPinnedMessageLink'), messageId: view.messageId }] : [];
  }
}

/** A line's pieces in reading order; English starts with a capital ("You left the group"). */
export function systemSegments(view: SystemMessageView, wording: Wording): SystemSegment[] {
  const key = view.template === 'chat_created' && view.targetCount > 0 ? 'systemChatCreatedWith' : TEMPLATE_KEYS[view.template];
  // Split the template before filling it: a group name may itself contain "{operator}".
  const template = wording.t(key);
  const segments: SystemSegment[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ kind: 'text', text: template.slice(last, start) });
    segments.push(...placeholderSegments(match[1]!, view, wording));
    last = start + match[0].length;
  }
  if (last < template.length) segments.push({ kind: 'text', text: template.slice(last) });
  const first = segments[0];
  if (first && wording.locale === 'en-US') segments[0] = { ...first, text: first.text.charAt(0).toUpperCase() + first.text.slice(1) };
  return segments;
}

/** The line as plain text: the chat list's preview. */
export function systemText(view: SystemMessageView | undefined, wording: Wording): string {
  return view
    ? systemSegments(view, wording)
        .map((segment) => segment.text)
        .join('')
    : wording.t('systemUnknown');
}
