// Dates as the API writes them: RFC 2822 in UTC, e.g. "Tue, 14 Aug 2018 19:37:39 +0000".
export function rfc2822(date: Date | number = Date.now()): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  // toUTCString() is "Tue, 14 Aug 2018 19:37:39 GMT": the same layout, only the zone differs.
  return d.toUTCString().replace(/GMT$/, '+0000');
}
