/** The uploaded images and files a message's content refers to. */
export interface ResourceRefs {
  images: string[];
  files: string[];
}

export const IMAGE_KEY_PREFIX = 'img_v3_';
export const FILE_KEY_PREFIX = 'file_v3_';

function postImages(value: unknown, into: Set<string>): void {
  if (!value || typeof value !== 'object') return;
  const source = ('post' in value ? (value as { post: unknown }).post : value) as Record<string, unknown>;
  if (!source || typeof source !== 'object') return;
  const bodies = 'content' in source ? [source] : Object.values(source);
  for (const body of bodies) {
    const lines = (body as { content?: unknown } | null)?.content;
    if (!Array.isArray(lines)) continue;
    for (const line of lines) {
      if (!Array.isArray(line)) continue;
      for (const element of line as Array<{ tag?: unknown; image_key?: unknown }>) {
        if (element?.tag === 'img' && typeof element.image_key === 'string') into.add(element.image_key);
      }
    }
  }
}

/**
 * The keys in `content` (Feishu's JSON string for `msgType`): `image_key` of image messages, `file_key`
 * of file messages, `img` elements of posts. Nothing for other types or unparsable content.
 */
export function resourceRefs(msgType: string, content: string): ResourceRefs {
  if (msgType !== 'image' && msgType !== 'file' && msgType !== 'post') return { images: [], files: [] };
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { images: [], files: [] };
  }
  const images = new Set<string>();
  const files = new Set<string>();
  const record = (value ?? {}) as { image_key?: unknown; file_key?: unknown };
  if (msgType === 'image' && typeof record.image_key === 'string') images.add(record.image_key);
  if (msgType === 'file' && typeof record.file_key === 'string') files.add(record.file_key);
  if (msgType === 'post') postImages(value, images);
  return { images: [...images], files: [...files] };
}
