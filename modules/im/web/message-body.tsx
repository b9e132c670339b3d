import { IconImage } from '@douyinfe/semi-icons';
import { Tooltip } from '@douyinfe/semi-ui';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { type ReactNode, useMemo } from 'react';
import { ChatImage, FileCard } from './attachments.tsx';
import { CardActionScope, CardControls, CardForm, type CardTarget } from './card-controls.tsx';
import { type CardElement, cardBody } from './card-model.ts';
import { emojiFor } from './emoji.ts';
import { imMessages } from './im-messages.ts';
import { MergedCard } from './merged-card.tsx';
import { type ContentLine, type ContentModel, type InlineNode, type MentionList, parseContent } from './message-content.ts';
import { ProfileTrigger } from './profile-card.tsx';
import { profileTargetOfMention } from './profile-target.ts';
import './message-card.css';

function Inline({ node, viewerIds }: { node: InlineNode; viewerIds: ReadonlySet<string> }) {
  switch (node.kind) {
    case 'text': {
      let content: ReactNode = node.text;
      if (node.bold) content = <strong>{content}</strong>;
      if (node.italic) content = <em>{content}</em>;
      if (node.strike) content = <s>{content}</s>;
      if (node.underline) content = <u>{content}</u>;
      return <>{content}</>;
    }
    case 'link':
      return (
        <a href={node.href} target="_blank" rel="noopener noreferrer nofollow" className="kite-im-link">
          {node.text}
        </a>
      );
    case 'mention': {
      const me = node.isAll || viewerIds.has(node.userId);
      return (
        <ProfileTrigger target={profileTargetOfMention(node)} label={node.name} testId="mention-chip">
          <span className={me ? 'kite-im-mention kite-im-mention--me' : 'kite-im-mention'} data-mention={node.userId}>
            @{node.name}
          </span>
        </ProfileTrigger>
      );
    }
    case 'emoji':
      return <span className="kite-im-emoji">{emojiFor(node.emojiType)}</span>;
    case 'image':
      return <ChatImage imageKey={node.imageKey} />;
    case 'code':
      return (
        <pre className="kite-im-code">
          <code>{node.text}</code>
        </pre>
      );
  }
}

function Lines({ lines, viewerIds }: { lines: readonly ContentLine[]; viewerIds: ReadonlySet<string> }) {
  return (
    <>
      {lines.map((line, lineIndex) => (
        <div className="kite-im-line" key={lineIndex}>
          {line.length === 0 ? '\u00a0' : null}
          {line.map((node, nodeIndex) => (
            <Inline key={nodeIndex} node={node} viewerIds={viewerIds} />
          ))}
        </div>
      ))}
    </>
  );
}

function ImagePlaceholder() {
  const t = useMessages(imMessages);
  return (
    <Tooltip content={t('imageUnavailable')}>
      <span className="kite-im-attachment kite-im-attachment--image" data-testid="image-placeholder">
        <IconImage size="extra-large" />
        <span>{t('imagePlaceholder')}</span>
      </span>
    </Tooltip>
  );
}

function CardView({
  model,
  viewerIds,
  target,
}: {
  model: Extract<ContentModel, { kind: 'card' }>;
  viewerIds: ReadonlySet<string>;
  target: CardTarget | undefined;
}) {
  const { locale } = useLocale();
  const elements = useMemo(() => cardBody(model.card, locale === 'zh-CN' ? ['zh_cn', 'en_us'] : ['en_us', 'zh_cn']), [model.card, locale]);
  const element = (item: CardElement, index: number): ReactNode => {
    switch (item.kind) {
      case 'markdown':
        return (
          <div className="kite-im-card__text" key={index}>
            <Lines lines={item.lines} viewerIds={viewerIds} />
          </div>
        );
      case 'divider':
        return <hr className="kite-im-card__divider" key={index} />;
      case 'note':
        return (
          <div className="kite-im-card__note" key={index}>
            {item.text}
          </div>
        );
      case 'image':
        return <ImagePlaceholder key={index} />;
      case 'controls':
        return <CardControls key={index} controls={item.controls} />;
      case 'form':
        return (
          <CardForm key={index} elements={item.elements}>
            {item.elements.map(element)}
          </CardForm>
        );
    }
  };
  return (
    <CardActionScope target={target}>
      <div className={`kite-im-card kite-im-card--${model.template.replace(/[^a-z-]/g, '')}`} data-testid="message-card">
        {model.title ? <div className="kite-im-card__header">{model.title}</div> : null}
        <div className="kite-im-card__body">{elements.map(element)}</div>
      </div>
    </CardActionScope>
  );
}

/**
 * A message's content as React nodes (never HTML from the message): text and rich text line by
 * line, attachments as placeholders until uploads exist, cards with their buttons, menus and forms
 * (card-controls.tsx).
 */
export function MessageBody({
  msgType,
  content,
  mentions,
  viewerIds,
  preferredLocales,
  card,
  messageId,
}: {
  msgType: string;
  content: string;
  mentions?: MentionList;
  viewerIds: ReadonlySet<string>;
  preferredLocales?: readonly string[];
  /** The message a card is, so its buttons can call its app (without it they are inert). */
  card?: CardTarget;
  /** `om_…`, for content that opens more of itself (a merged chat history). */
  messageId?: string;
}) {
  const t = useMessages(imMessages);
  const allName = t('mentionAll');
  const model = useMemo(
    () => parseContent(msgType, content, { preferredLocales, mentions, allName }),
    [msgType, content, preferredLocales, mentions, allName],
  );
  switch (model.kind) {
    case 'text':
      return <Lines lines={model.lines} viewerIds={viewerIds} />;
    case 'post':
      return (
        <>
          {model.title ? <div className="kite-im-post-title">{model.title}</div> : null}
          <Lines lines={model.lines} viewerIds={viewerIds} />
        </>
      );
    case 'image':
      return <ChatImage imageKey={model.imageKey} />;
    case 'file':
      return <FileCard fileKey={model.fileKey} fileName={model.fileName} />;
    case 'card':
      // Keyed by content: a replaced card starts fresh (menus, forms, pending clicks).
      return <CardView key={content} model={model} viewerIds={viewerIds} target={card} />;
    case 'share_chat':
      return <span className="kite-muted">{t('sharedChat')}</span>;
    case 'share_user':
      return <span className="kite-muted">{t('sharedUser')}</span>;
    case 'system':
      return <>{model.text || t('systemMessage')}</>;
    case 'merge_forward':
      return <MergedCard content={model} messageId={messageId} />;
    default:
      return <span className="kite-muted">{t('unsupportedMessage')}</span>;
  }
}
