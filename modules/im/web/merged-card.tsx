import { IconHistory } from '@douyinfe/semi-icons';
import type { MergeForwardContent } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { createContext, useCallback, useContext } from 'react';
import { forwardMessages } from './forward-messages.ts';
import { imMessages } from './im-messages.ts';
import type { ContentModel } from './message-content.ts';

type Source = MergeForwardContent['source'];

/** "Chat history: Design" / "Chat history of Alice and Bob", in the reader's language. */
export function useHistoryTitle(): (source: Source) => string {
  const t = useMessages(forwardMessages);
  return useCallback(
    (source: Source) => {
      if (source.chat_type === 'group') return t('chatHistoryGroup', { name: source.name });
      const [first = '', second = ''] = source.names;
      return t('chatHistoryP2p', { names: second ? t('chatHistoryAnd', { first, second }) : first });
    },
    [t],
  );
}

/** The words a preview line shows for content without text of its own. */
function usePreviewLabel(): (msgType: string) => string {
  const t = useMessages(imMessages);
  return useCallback(
    (msgType: string) => {
      switch (msgType) {
        case 'image':
          return t('previewImage');
        case 'file':
          return t('previewFile');
        case 'interactive':
          return t('previewCard');
        case 'merge_forward':
          return t('previewChatHistory');
        default:
          return t('previewUnsupported');
      }
    },
    [t],
  );
}

/**
 * What opening a merged history does where the bubble is shown: the conversation opens the viewer,
 * the viewer itself steps into a nested history.
 */
const MergedOpenerContext = createContext<((messageId: string) => void) | null>(null);
export const MergedOpenerProvider = MergedOpenerContext.Provider;

/** A `merge_forward` message: title, the first lines, and how many messages it holds; opens the history. */
export function MergedCard({ content, messageId }: { content: Extract<ContentModel, { kind: 'merge_forward' }>; messageId?: string }) {
  const t = useMessages(forwardMessages);
  const title = useHistoryTitle();
  const label = usePreviewLabel();
  const open = useContext(MergedOpenerContext);
  const clickable = Boolean(open && messageId);
  return (
    <button
      type="button"
      className="kite-im-merged"
      onClick={() => (messageId ? open?.(messageId) : undefined)}
      disabled={!clickable}
      aria-label={`${title(content.source)} · ${t('chatHistoryOpen')}`}
      data-testid="merged-card"
    >
      <span className="kite-im-merged__title">{title(content.source)}</span>
      <span className="kite-im-merged__lines">
        {content.preview.map((line, index) => (
          <span className="kite-im-merged__line" key={index}>
            {line.sender}: {line.text || label(line.msg_type)}
          </span>
        ))}
      </span>
      <span className="kite-im-merged__footer">
        <IconHistory size="small" />
        {t('chatHistoryLabel')} · {t('chatHistoryCount', { count: content.count })}
      </span>
    </button>
  );
}
