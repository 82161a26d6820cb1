/**
 * RFC 4180 field quoting. No CSV library is installed and writing is the easy half: a field is quoted
 * when it holds a comma, a double quote, CR or LF (or starts/ends with a space, which some readers trim),
 * and a double quote inside is doubled. Records end with CRLF.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^ | $/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
