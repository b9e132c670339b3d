/** The columns the import understands (docs/internal-api.md, "CSV columns"). */
export const IMPORT_COLUMNS = ['name', 'email', 'mobile', 'employee_id', 'title', 'department', 'manager_email', 'is_admin'] as const;

/**
 * Splits CSV text into rows of cells for the preview table (RFC 4180: quoted cells may hold commas,
 * doubled quotes and line breaks; a leading BOM is dropped). The server parses the file again and
 * has the final word; this only lets the admin see what they are about to import.
 */
export function parseCsvRows(text: string): string[][] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (quoted) {
      if (character === '"' && source[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
      continue;
    }
    if (character === '"' && cell === '') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && source[index + 1] === '\n') index++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += character;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((value) => value.trim() !== ''));
}

/** A small, valid example file admins can download and fill in. */
export function importTemplate(): string {
  return [
    IMPORT_COLUMNS.join(','),
    '张三,zhangsan@example.com,+86 138 0000 0001,E001,工程师,研发中心/后端组,lisi@example.com,false',
    '李四,lisi@example.com,+86 138 0000 0002,E002,研发负责人,研发中心,,true',
    'Alice Wang,alice@example.com,,E003,Sales Manager,Sales,,false',
  ].join('\r\n');
}
