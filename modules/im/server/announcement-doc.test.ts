import { describe, expect, it } from 'vitest';
import { announcementDocument, applyAnnouncementRequests } from './announcement-doc.ts';

const insert = (text: string, index?: number) =>
  JSON.stringify({
    requestType: 'InsertBlocksRequestType',
    insertBlocksRequest: {
      payload: JSON.stringify({ blocks: [{ type: 'paragraph', paragraph: { elements: [{ type: 'textRun', textRun: { text } }] } }] }),
      location: index === undefined ? { zoneId: '0' } : { zoneId: '0', index },
    },
  });
const remove = (startIndex: number, endIndex: number) =>
  JSON.stringify({
    requestType: 'DeleteContentRangeRequestType',
    deleteContentRangeRequest: { deleteRange: { zoneId: '0', startIndex, endIndex } },
  });

describe('chat announcement as a legacy document', () => {
  it('presents lines as paragraphs, empty lines as empty paragraphs', () => {
    expect(JSON.parse(announcementDocument('a\n\nb')).body.blocks).toEqual([
      { type: 'paragraph', paragraph: { elements: [{ type: 'textRun', textRun: { text: 'a' } }] } },
      { type: 'paragraph', paragraph: { elements: [] } },
      { type: 'paragraph', paragraph: { elements: [{ type: 'textRun', textRun: { text: 'b' } }] } },
    ]);
    expect(JSON.parse(announcementDocument('')).body.blocks).toEqual([]);
  });

  it('inserts paragraphs at the end or before a character offset, and deletes ranges', () => {
    expect(applyAnnouncementRequests('', [insert('one'), insert('two')])).toBe('one\ntwo');
    expect(applyAnnouncementRequests('one\ntwo', [insert('zero', 0)])).toBe('zero\none\ntwo');
    expect(applyAnnouncementRequests('one\ntwo', [insert('end', -1)])).toBe('one\ntwo\nend');
    expect(applyAnnouncementRequests('one\ntwo', [remove(0, 4)])).toBe('two');
    expect(applyAnnouncementRequests('公告内容', [remove(2, 4), insert('更新')])).toBe('公告\n更新');
  });

  it('refuses what it cannot apply, naming the request', () => {
    expect(() => applyAnnouncementRequests('abc', ['{'])).toThrow(/requests\[0\] is not valid JSON/);
    expect(() => applyAnnouncementRequests('abc', [remove(2, 9)])).toThrow(/outside the text/);
    expect(() => applyAnnouncementRequests('abc', [insert('x', 4)])).toThrow(/past the end/);
    expect(() => applyAnnouncementRequests('abc', [JSON.stringify({ requestType: 'ReplaceImageRequestType' })])).toThrow(/requests\[0\]/);
    const table = JSON.stringify({
      requestType: 'InsertBlocksRequestType',
      insertBlocksRequest: { payload: JSON.stringify({ blocks: [{ type: 'table' }] }) },
    });
    expect(() => applyAnnouncementRequests('abc', [table])).toThrow(/Unsupported block type "table"/);
  });
});
