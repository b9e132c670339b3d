import { IconComment } from '@douyinfe/semi-icons';
import { Button, SideSheet } from '@douyinfe/semi-ui';
import { useMessages } from '@kite/ui/i18n';
import { type PersonCardActionsContext, usePersonCard } from '@kite/ui/person-card';
import { LoadingState } from '@kite/ui/states';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { createPortal } from 'react-dom';
import { useNavigate } from 'react-router';
import { BotAvatar, BotTag } from './bot-avatar.tsx';
import { createChat } from './im-api.ts';
import { writeChat } from './im-cache.ts';
import { imErrorTexts } from './im-messages.ts';
import { profileCardMessages } from './profile-card-messages.ts';
import { cardPlacement, type ProfileTarget, type Rect, sameTarget } from './profile-target.ts';
import { useWebhookBots } from './webhook-api.ts';
import './profile-card.css';

type OpenProfile = (target: ProfileTarget, trigger: HTMLElement) => void;

const OpenProfileContext = createContext<OpenProfile | null>(null);

interface OpenCard {
  target: ProfileTarget;
  /** What was clicked: Escape hands the keyboard back to it. */
  trigger: HTMLElement;
  /** Where it sat when it was clicked (the desktop card opens beside it). */
  anchor: DOMRect;
}

/** "Message": the 1:1 chat with this person, opened (created on first use, as New chat does). */
function MessageButton({ person, onOpened }: { person: PersonCardActionsContext; onOpened: () => void }) {
  const t = useMessages(profileCardMessages);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [busy, run] = useBusyAction(imErrorTexts);
  const open = () =>
    run(async () => {
      const chat = await createChat({ chatType: 'p2p', userId: person.id });
      writeChat(queryClient, chat, { insert: true });
      onOpened();
      navigate(`/messenger/${encodeURIComponent(chat.id)}`);
    });
  return (
    <Button theme="solid" icon={<IconComment />} loading={busy} onClick={() => void open()} data-testid="profile-message">
      {t('sendMessage')}
    </Button>
  );
}

/**
 * A bot's card: smaller than a person's, with what the messenger knows of it. A custom bot of this
 * chat brings its description and who added it; nobody messages a bot 1:1 from the web (the
 * internal API opens p2p chats with people only), so there is no "Message".
 */
function BotCard({ botId, name, chatId }: { botId: string; name: string; chatId: string }) {
  const t = useMessages(profileCardMessages);
  const webhookBots = useWebhookBots(chatId);
  const custom = webhookBots.data?.find((bot) => bot.id === botId) ?? null;
  // Not among the chat's custom bots (or they could not be read): an app's bot.
  const isApp = !custom && !webhookBots.isPending;
  return (
    <article className="kite-im-bot-card" data-testid="bot-profile-card">
      <header className="kite-im-bot-card__header">
        <BotAvatar name={custom?.name ?? name} size={56} />
        <div className="kite-im-bot-card__identity">
          <h2 className="kite-im-bot-card__name" data-testid="bot-profile-name">
            {custom?.name ?? name}
          </h2>
          <div className="kite-im-bot-card__tags">
            <BotTag />
            {webhookBots.isPending ? null : <span className="kite-muted">{custom ? t('customBot') : t('appBot')}</span>}
          </div>
        </div>
      </header>
      {custom ? (
        <>
          <p className="kite-im-bot-card__description" data-testid="bot-profile-description">
            {custom.description || t('customBotHint')}
          </p>
          {custom.createdBy ? <p className="kite-im-bot-card__footnote">{t('customBotAddedBy', { name: custom.createdBy.name })}</p> : null}
        </>
      ) : isApp ? (
        <p className="kite-im-bot-card__description">{t('appBotHint')}</p>
      ) : null}
    </article>
  );
}

/** The open card's body: the directory's person card (with "Message"), or a bot's card. */
function ProfileCardBody({
  target,
  chatId,
  onOpenPerson,
  onClose,
}: {
  target: ProfileTarget;
  chatId: string | null;
  onOpenPerson: (userId: string) => void;
  onClose: () => void;
}) {
  const PersonCard = usePersonCard();
  const viewer = useViewer();
  if (target.kind === 'bot') return chatId ? <BotCard botId={target.botId} name={target.name} chatId={chatId} /> : null;
  if (!PersonCard) return null;
  return (
    <Suspense fallback={<LoadingState compact />}>
      <PersonCard
        userId={target.userId}
        onOpenPerson={onOpenPerson}
        onLeave={onClose}
        // Nobody opens a chat with themselves (the server refuses it too).
        renderActions={(person) => (person.id === viewer.userId ? null : <MessageButton person={person} onOpened={onClose} />)}
      />
    </Suspense>
  );
}

/**
 * The desktop card: floats beside what was clicked (`cardPlacement`, re-placed when its content
 * grows from loading to loaded), takes the focus, and closes on Escape, on a press outside it and
 * when the page scrolls under it (it would point at nothing).
 */
function FloatingCard({
  anchor,
  trigger,
  onClose,
  children,
}: {
  anchor: Rect;
  trigger: HTMLElement;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setSize({ width: element.offsetWidth, height: element.offsetHeight });
    measure();
    element.focus({ preventScroll: true });
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const inside = (target: EventTarget | null) => target instanceof Node && Boolean(ref.current?.contains(target));
    const onPointerDown = (event: PointerEvent) => {
      // A press on a name or face is that trigger's click: it switches or closes the card itself.
      if (inside(event.target) || (event.target instanceof Element && event.target.closest('.kite-im-profile-trigger'))) return;
      onClose();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      // The messenger's own Escape (closing the side panel) waits for the next press.
      event.preventDefault();
      onClose();
      trigger.focus({ preventScroll: true });
    };
    const onScroll = (event: Event) => {
      if (!inside(event.target)) onClose();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown, true);
    document.addEventListener('scroll', onScroll, true);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown, true);
      document.removeEventListener('scroll', onScroll, true);
    };
  }, [onClose, trigger]);
  const position = size ? cardPlacement(anchor, size, { width: window.innerWidth, height: window.innerHeight }) : null;
  return createPortal(
    <div
      ref={ref}
      className="kite-im-profile-popover"
      role="dialog"
      tabIndex={-1}
      data-testid="profile-popover"
      style={position ? { left: position.left, top: position.top } : { visibility: 'hidden' }}
    >
      {children}
    </div>,
    document.body,
  );
}

/**
 * Makes people and bots in the messenger open their profile card: a popover beside what was
 * clicked on desktop, a bottom sheet at phone width. `chatId` is the open chat (a custom bot's
 * description comes from its chat).
 */
export function ProfileCardHost({ chatId, children }: { chatId: string | null; children: ReactNode }) {
  const t = useMessages(profileCardMessages);
  const isPhone = useIsPhone();
  const [card, setCard] = useState<OpenCard | null>(null);
  const close = useCallback(() => setCard(null), []);
  const open = useCallback<OpenProfile>(
    (target, trigger) =>
      setCard((current) =>
        sameTarget(current?.target ?? null, target) ? null : { target, trigger, anchor: trigger.getBoundingClientRect() },
      ),
    [],
  );
  // Another chat, another page: the card belonged to what was on screen.
  useEffect(close, [chatId]);

  const body = card ? (
    <ProfileCardBody
      target={card.target}
      chatId={chatId}
      onOpenPerson={(userId) => setCard({ ...card, target: { kind: 'person', userId } })}
      onClose={close}
    />
  ) : null;

  let surface: ReactNode = null;
  if (card && isPhone) {
    surface = (
      <SideSheet
        visible
        closeOnEsc
        placement="bottom"
        height="auto"
        onCancel={close}
        title={card.target.kind === 'bot' ? t('botTitle') : t('profileTitle')}
        className="kite-im-profile-sheet"
      >
        <div data-testid="profile-sheet">{body}</div>
      </SideSheet>
    );
  } else if (card) {
    surface = (
      <FloatingCard anchor={card.anchor} trigger={card.trigger} onClose={close}>
        {body}
      </FloatingCard>
    );
  }

  return (
    <OpenProfileContext.Provider value={open}>
      {children}
      {surface}
    </OpenProfileContext.Provider>
  );
}

/**
 * A name, face or chip that opens someone's card. Outside a `ProfileCardHost`, or for a target the
 * messenger cannot name (`null`), it is what it wraps, unclickable.
 */
export function ProfileTrigger({
  target,
  label,
  className,
  children,
  testId,
  onOpen,
}: {
  target: ProfileTarget | null;
  /** The name, for screen readers ("Open Bob's profile"). */
  label: string;
  className?: string;
  children: ReactNode;
  testId?: string;
  /** Called after a click opened (or closed) the card, e.g. to close the list the trigger sits in. */
  onOpen?: () => void;
}) {
  const t = useMessages(profileCardMessages);
  const open = useContext(OpenProfileContext);
  const ariaLabel = useMemo(() => t('openProfileOf', { name: label }), [t, label]);
  if (!open || !target) return <span className={className}>{children}</span>;
  return (
    <button
      type="button"
      className={['kite-im-profile-trigger', className].filter(Boolean).join(' ')}
      aria-label={ariaLabel}
      aria-haspopup="dialog"
      data-testid={testId}
      onClick={(event) => {
        // The row under it reacts to clicks too (selection, long press): this click is the card's.
        event.stopPropagation();
        open(target, event.currentTarget);
        onOpen?.();
      }}
    >
      {children}
    </button>
  );
}
