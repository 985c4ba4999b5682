// The dates of callbacks and API objects: RFC 2822 as the API writes them, or ISO 8601, read
// strictly (an impossible date is no date) and written as ISO 8601 in UTC.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const RFC2822 =
  /^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun),\s*)?(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2})(\d{2})|gmt|ut|utc|z)\s*$/i;

/**
 * An RFC 2822 date ("Tue, 14 Aug 2018 19:37:39 +0000") as an ISO 8601 string in UTC; an ISO
 * 8601 date is passed through normalised. Anything else (or an impossible date such as 31 Feb):
 * null.
 */
export function toIsoTimestamp(value: string): string | null {
  // Callbacks of one moment share their timestamp: the last one read is kept.
  if (value === lastTimestamp.value) return lastTimestamp.iso;
  const iso = readTimestamp(value);
  lastTimestamp = { value, iso };
  return iso;
}
let lastTimestamp: { value: string | undefined; iso: string | null } = { value: undefined, iso: null };

function readTimestamp(value: string): string | null {
  const m = RFC2822.exec(value);
  if (m) {
    const [, day, mon, year, hh, mm, ss = '0', sign, oh, om] = m;
    const fields = [Number(year), MONTHS.indexOf(mon.toLowerCase()), Number(day), Number(hh), Number(mm), Number(ss)] as const;
    // Date.UTC reads a year under 100 as 19xx.
    const calendarYear = fields[0] < 100 ? fields[0] + 1900 : fields[0];
    if (fields[2] < 1 || fields[2] > daysInMonth(calendarYear, fields[1]) || fields[3] > 23 || fields[4] > 59 || fields[5] > 60) return null;
    const offsetMin = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
    // The usual case, in UTC and within a minute: written out as toISOString writes it.
    if (offsetMin === 0 && fields[5] < 60 && fields[0] >= 100) return `${year}-${pad2(fields[1] + 1)}-${pad2(fields[2])}T${hh}:${mm}:${pad2(fields[5])}.000Z`;
    return new Date(Date.UTC(...fields) - offsetMin * 60_000).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    const t = Date.parse(value);
    return Number.isFinite(t) ? new Date(t).toISOString() : null;
  }
  return null;
}

/** Days in a month (0-based) of a year of the Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month !== 1) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
