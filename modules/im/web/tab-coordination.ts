/**
 * Several Kite tabs of one browser share the work of telling the person about new messages: one of
 * them — the holder of a Web Lock — raises every desktop notification and plays every sound, so a
 * message notifies once however many tabs are open. When that tab closes, the browser hands the lock
 * to the next. The tabs also tell each other, over a BroadcastChannel, which chat each shows while it
 * has the focus: a message in a chat someone is looking at, in any tab, notifies nobody.
 *
 * Without Web Locks (an insecure origin, where browsers allow no notifications either, or an old
 * browser) every tab counts as the notifying one.
 */

type TabMessage =
  | { kind: 'focus'; tab: string; chatId: string | null }
  | { kind: 'gone'; tab: string }
  /** A new notifying tab asks the others where they are. */
  | { kind: 'hello' };

/** A focused tab repeats where it is this often; a claim older than {@link FOCUS_FRESH_MS} is ignored (a crashed tab says no goodbye). */
const FOCUS_HEARTBEAT_MS = 20_000;
const FOCUS_FRESH_MS = 60_000;

function newTabId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** This tab shows `chatId` and the person is looking at it: visible and focused. */
function looksAt(chatOnScreen: string | null): string | null {
  if (typeof document === 'undefined' || document.visibilityState !== 'visible' || !document.hasFocus()) return null;
  return chatOnScreen;
}

class TabCoordinator {
  private readonly tab = newTabId();
  private channel: BroadcastChannel | null = null;
  private releaseLock: (() => void) | null = null;
  private leader = false;
  private chatOnScreen: string | null = null;
  /** What the other tabs said they are looking at, and when. */
  private readonly others = new Map<string, { chatId: string; at: number }>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly announce = () => this.post({ kind: 'focus', tab: this.tab, chatId: looksAt(this.chatOnScreen) });
  private readonly goodbye = () => this.post({ kind: 'gone', tab: this.tab });

  /** Joins the tabs of `userId` (another person signed in later gets another lock). Idempotent. */
  start(userId: string): void {
    if (this.channel || typeof window === 'undefined') return;
    if (typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel('kite-im-tabs');
      this.channel.onmessage = (event: MessageEvent<TabMessage>) => this.receive(event.data);
    }
    this.requestLeadership(userId);
    for (const type of ['focus', 'blur']) window.addEventListener(type, this.announce);
    document.addEventListener('visibilitychange', this.announce);
    window.addEventListener('pagehide', this.goodbye);
    this.heartbeat = setInterval(() => {
      if (looksAt(this.chatOnScreen)) this.announce();
    }, FOCUS_HEARTBEAT_MS);
    this.announce();
  }

  stop(): void {
    if (!this.channel && !this.releaseLock) return;
    this.goodbye();
    for (const type of ['focus', 'blur']) window.removeEventListener(type, this.announce);
    document.removeEventListener('visibilitychange', this.announce);
    window.removeEventListener('pagehide', this.goodbye);
    clearInterval(this.heartbeat);
    this.channel?.close();
    this.channel = null;
    this.releaseLock?.();
    this.releaseLock = null;
    this.leader = false;
    this.others.clear();
  }

  /** Whether this tab is the one that notifies. */
  isNotifyingTab(): boolean {
    if (typeof window === 'undefined') return false;
    return this.leader || !hasWebLocks();
  }

  /** The conversation this tab shows (null: none, or the tab is hidden). */
  setChatOnScreen(chatId: string | null): void {
    this.chatOnScreen = chatId;
    this.announce();
  }

  /** Whether the person is looking at this chat in some tab right now. */
  isChatInFocus(chatIds: readonly string[]): boolean {
    const here = looksAt(this.chatOnScreen);
    if (here && chatIds.includes(here)) return true;
    const now = Date.now();
    for (const [tab, seen] of this.others) {
      if (now - seen.at > FOCUS_FRESH_MS) this.others.delete(tab);
      else if (chatIds.includes(seen.chatId)) return true;
    }
    return false;
  }

  private requestLeadership(userId: string): void {
    if (!hasWebLocks()) return;
    const held = new Promise<void>((resolve) => {
      this.releaseLock = resolve;
    });
    void navigator.locks
      .request(`kite-im-notifier:${userId}`, () => {
        this.leader = true;
        // Where are the others? They answer with their focus.
        this.post({ kind: 'hello' });
        return held;
      })
      .catch(() => undefined);
  }

  private receive(message: TabMessage): void {
    switch (message.kind) {
      case 'focus':
        if (message.chatId) this.others.set(message.tab, { chatId: message.chatId, at: Date.now() });
        else this.others.delete(message.tab);
        return;
      case 'gone':
        this.others.delete(message.tab);
        return;
      case 'hello':
        this.announce();
        return;
    }
  }

  private post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel (the tab is going away): nothing to tell.
    }
  }
}

function hasWebLocks(): boolean {
  return typeof navigator !== 'undefined' && 'locks' in navigator && Boolean(navigator.locks);
}

/** The one coordinator of this tab. */
export const tabs = new TabCoordinator();
