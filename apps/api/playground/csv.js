// CSV as RFC 4180 has it (and Python's csv module writes it): fields in double quotes may hold
// commas, line breaks and "" for a quote. Splitting on commas and newlines would get those wrong.

/**
 * The first `maxRows` records of `text`, each an array of fields, and whether more followed.
 * Records end with LF, CRLF or CR; a missing final line break is fine.
 */
export function parseCsv(text, maxRows = Infinity) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // a BOM (Excel's "CSV UTF-8")
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), truncated: true };
    } else field += c;
  }
  if (field !== '' || row.length) endRow();
  if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), truncated: true };
  return { rows, truncated: false };
}
