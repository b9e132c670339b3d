import type { Transaction } from 'kysely';
import type { MessageRow } from './im-repository.ts';

/** What ImService asks about the images and files a message refers to (implemented by ImResources, injected). */
export interface MessageResourceHooks {
  /** Refuses (`content_invalid`) content naming an image or file key this tenant has not uploaded. */
  check(tenantId: string, msgType: string, content: string): Promise<void>;
  /** Records which resources `row` refers to, in the message's transaction; `replace` drops earlier references. */
  link(trx: Transaction<never>, row: MessageRow, replace: boolean): Promise<void>;
  /** Records that `row` also refers to what these contents name (the copies a merge-forward holds). */
  linkContents(trx: Transaction<never>, row: MessageRow, contents: ReadonlyArray<{ msgType: string; content: string }>): Promise<void>;
}
