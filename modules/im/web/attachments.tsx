import { IconClose, IconDownload, IconFile, IconImage } from '@douyinfe/semi-icons';
import { Toast } from '@douyinfe/semi-ui';
import { type ChatView, type ResourceView, resourceUrl } from '@kite/im/contract';
import { ApiError, CLIENT_ERROR_CODES, currentCsrfToken } from '@kite/ui/api-client';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useWindowKeyDown } from '@kite/ui/use-window-key-down';
import { useViewer } from '@kite/ui/viewer';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { chatWithNewMessage } from './chat-list-model.ts';
import { sendMessage } from './im-api.ts';
import { appendMessage, findCachedMessage, updateCachedChat, writeMessage } from './im-cache.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';
import { myOpenIds } from './viewer-state.ts';

/** Types the server takes as images (it checks the bytes; SVG is sent as a file). */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

export function isSendableImage(file: File): boolean {
  return IMAGE_TYPES.has(file.type);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(size < 10 * 1024 ? 1 : 0)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Uploads a file as the request body (`POST /api/im/images|files?name=`), reporting progress; XHR
 * rather than fetch, because fetch reports no upload progress.
 */
export function uploadResource(
  kind: 'image' | 'file',
  file: File,
  onProgress: (fraction: number) => void,
): { done: Promise<ResourceView>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<ResourceView>((resolve, reject) => {
    xhr.open('POST', `/api/im/${kind === 'image' ? 'images' : 'files'}?name=${encodeURIComponent(file.name || kind)}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    const token = currentCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below by status
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ResourceView);
      else {
        const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
        reject(new ApiError(error?.code ?? 'upload_failed', error?.message ?? `Upload failed (${xhr.status})`, xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError(CLIENT_ERROR_CODES.network, 'Upload failed', 0));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

export interface Upload {
  id: string;
  name: string;
  kind: 'image' | 'file';
  progress: number;
  failed: boolean;
  abort: () => void;
}

/**
 * Attachments of one composer: each file is uploaded (progress, cancel), then sent as an image or
 * file message; the answer goes into the caches as a text message's does.
 */
export function useAttachments(chat: ChatView, parentId: string | null = null) {
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const errorText = useErrorText(imErrorTexts);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const live = useRef(new Set<() => void>());

  // Leaving the chat cancels what is still uploading.
  useEffect(() => {
    const aborts = live.current;
    return () => {
      for (const abort of aborts) abort();
    };
  }, [chat.id]);

  const change = (id: string, patch: Partial<Upload>) =>
    setUploads((list) => list.map((item) => (item.id === id ? { ...item, ...patch } : item)));

  const attach = useCallback(
    (files: readonly File[]) => {
      for (const file of files) {
        const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const kind = isSendableImage(file) ? 'image' : 'file';
        const { done, abort } = uploadResource(kind, file, (progress) => change(id, { progress }));
        live.current.add(abort);
        setUploads((list) => [...list, { id, name: file.name || kind, kind, progress: 0, failed: false, abort }]);
        void (async () => {
          try {
            const resource = await done;
            const content = kind === 'image' ? { image_key: resource.key } : { file_key: resource.key, file_name: resource.name };
            const sent = await sendMessage(chat.id, {
              msgType: kind,
              content: JSON.stringify(content),
              uuid: typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : id,
              ...(parentId ? { parentId, replyInThread: true } : {}),
            });
            const root = sent.rootId ? findCachedMessage(queryClient, chat.id, sent.rootId) : undefined;
            appendMessage(queryClient, chat.id, sent, 'clear');
            writeMessage(queryClient, chat.id, sent);
            updateCachedChat(queryClient, chat.id, (current) =>
              chatWithNewMessage(current, sent, {
                userId: viewer.userId,
                ids: myOpenIds(viewer.userId),
                readThreadReplies: root?.unreadReplyCount ?? 0,
              }),
            );
            setUploads((list) => list.filter((item) => item.id !== id));
          } catch (error) {
            if (error instanceof DOMException && error.name === 'AbortError') {
              setUploads((list) => list.filter((item) => item.id !== id));
            } else {
              Toast.error(errorText(error));
              change(id, { failed: true });
            }
          } finally {
            live.current.delete(abort);
          }
        })();
      }
    },
    [chat.id, parentId, queryClient, viewer.userId, errorText],
  );

  const dismiss = useCallback((id: string) => {
    setUploads((list) => {
      list.find((item) => item.id === id)?.abort();
      return list.filter((item) => item.id !== id);
    });
  }, []);

  return { uploads, attach, dismiss };
}

/** Uploads in progress (or failed) above the composer, each with a cancel button. */
export function UploadTray({ uploads, onDismiss }: { uploads: readonly Upload[]; onDismiss: (id: string) => void }) {
  const t = useMessages(imMessages);
  if (uploads.length === 0) return null;
  return (
    <div className="kite-im-uploads" data-testid="upload-tray">
      {uploads.map((upload) => (
        <div className={upload.failed ? 'kite-im-upload kite-im-upload--failed' : 'kite-im-upload'} key={upload.id} data-testid="upload">
          {upload.kind === 'image' ? <IconImage /> : <IconFile />}
          <span className="kite-im-upload__name">
            {upload.failed ? t('uploadFailed', { name: upload.name }) : t('uploading', { name: upload.name })}
          </span>
          {upload.failed ? null : (
            <span className="kite-im-upload__bar" role="progressbar" aria-valuenow={Math.round(upload.progress * 100)}>
              <span style={{ width: `${Math.round(upload.progress * 100)}%` }} />
            </span>
          )}
          <button
            type="button"
            className="kite-im-icon-button"
            onClick={() => onDismiss(upload.id)}
            aria-label={upload.failed ? t('dismissUpload') : t('cancelUpload')}
            title={upload.failed ? t('dismissUpload') : t('cancelUpload')}
            data-testid="upload-cancel"
          >
            <IconClose />
          </button>
        </div>
      ))}
    </div>
  );
}

/** An image message (or a post's picture): a thumbnail that opens full size in a lightbox. */
export function ChatImage({ imageKey }: { imageKey: string }) {
  const t = useMessages(imMessages);
  const [open, setOpen] = useState(false);
  const [broken, setBroken] = useState(false);
  useWindowKeyDown((event) => {
    if (event.key === 'Escape') setOpen(false);
  }, open);
  if (!imageKey || broken) {
    return (
      <span className="kite-im-attachment kite-im-attachment--image" data-testid="image-placeholder">
        <IconImage size="extra-large" />
        <span>{t('imageNotAvailable')}</span>
      </span>
    );
  }
  const src = resourceUrl(imageKey);
  return (
    <>
      <button type="button" className="kite-im-image" onClick={() => setOpen(true)} aria-label={t('openImage')} data-testid="chat-image">
        <img src={src} alt="" loading="lazy" onError={() => setBroken(true)} />
      </button>
      {/* On the page's body: inside the timeline it would sit under the phone's tab bar. */}
      {open
        ? createPortal(
            // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes it (window listener above).
            <div className="kite-im-lightbox" role="dialog" aria-modal="true" onClick={() => setOpen(false)} data-testid="image-lightbox">
              <img src={src} alt="" />
              <button type="button" className="kite-im-lightbox__close" aria-label={t('closeImage')} onClick={() => setOpen(false)}>
                <IconClose />
              </button>
            </div>,
            document.body,
          )
        : null}
    </>
  );
}

/** A file message: name, size (read with a HEAD request) and a download link. */
export function FileCard({ fileKey, fileName }: { fileKey: string; fileName: string }) {
  const t = useMessages(imMessages);
  const href = resourceUrl(fileKey);
  const size = useQuery({
    queryKey: ['im', 'resource-size', fileKey],
    queryFn: async () => {
      const response = await fetch(href, { method: 'HEAD', credentials: 'same-origin' });
      if (!response.ok) return null;
      const length = Number(response.headers.get('content-length'));
      return Number.isFinite(length) ? length : null;
    },
    staleTime: Number.POSITIVE_INFINITY,
    enabled: Boolean(fileKey),
  });
  return (
    <span className="kite-im-file" data-testid="file-card">
      <IconFile size="extra-large" className="kite-im-file__icon" />
      <span className="kite-im-file__meta">
        <span className="kite-im-file__name" title={fileName}>
          {fileName || t('filePlaceholder')}
        </span>
        <span className="kite-im-file__size">{typeof size.data === 'number' ? formatBytes(size.data) : '\u00a0'}</span>
      </span>
      <a className="kite-im-icon-button" href={href} download={fileName || true} aria-label={t('downloadFile')} title={t('downloadFile')}>
        <IconDownload />
      </a>
    </span>
  );
}
