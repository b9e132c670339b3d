import { useMemo } from 'react';
import { MessageBody } from './message-body.tsx';

/** A card as a chat shows it, without a message behind it: its controls show but call nobody. */
export function CardPreview({ content }: { content: string }) {
  const viewerIds = useMemo(() => new Set<string>(), []);
  return <MessageBody msgType="interactive" content={content} viewerIds={viewerIds} />;
}
