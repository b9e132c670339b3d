import type { ColumnType, Selectable } from 'kysely';
import type { ImDb } from './im-repository.ts';
import type { MemberKind } from './tables.ts';

export type ResourceKind = 'image' | 'file';

/** Uploaded images and files (`img_v3_…` / `file_v3_…`) and the messages that refer to them. */
export interface ResourceTables {
  im_resource: {
    /** Public key: `img_v3_…` or `file_v3_…`. */
    key: string;
    tenant_id: string;
    kind: ResourceKind;
    /** Key in the blob store. */
    blob_key: string;
    uploader_kind: MemberKind;
    uploader_id: string;
    name: string;
    size: number;
    content_type: string;
    /** Feishu's `image_type` (message, avatar) or `file_type` (opus, mp4, pdf, doc, xls, ppt, stream). */
    file_type: string;
    width: number | null;
    height: number | null;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  /** One row per (resource, message referring to it); rebuilt when a message is edited or recalled. */
  im_resource_ref: {
    tenant_id: string;
    resource_key: string;
    message_id: string;
    chat_id: string;
  };
}

export type ResourceDb = ImDb & ResourceTables;
export type ResourceRow = Selectable<ResourceTables['im_resource']>;
