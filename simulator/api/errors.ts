// API error bodies, shaped like the Compatibility API's: { code, message, more_info, status }.
import { STATUS_CODES } from 'node:http';

export interface ApiErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export const MORE_INFO = 'https://developer.signalwire.com/compatibility-api/reference/error-codes';

// Codes the service is seen to use (README "Errors"); others follow the Twilio 20xxx scheme.
const DEFAULTS: Record<number, [number, string]> = {
  400: [20001, 'Bad request'],
  401: [20003, 'Authentication failed'],
  403: [20003, 'Forbidden'],
  404: [20404, 'The requested resource was not found'],
  405: [20004, 'Method not allowed'],
  429: [20429, 'Too Many Requests'],
  500: [20500, 'Internal Server Error'],
  503: [20503, 'Service Unavailable'],
};

export function apiError(status: number, code?: number, message?: string): ApiErrorBody {
  const d = DEFAULTS[status];
  return {
    code: code ?? (d ? d[0] : 20000 + status),
    message: message ?? (d ? d[1] : STATUS_CODES[status] ?? 'Error'),
    more_info: MORE_INFO,
    status,
  };
}

// What a reverse proxy in front of the API answers when the backend is unhealthy.
export function htmlErrorPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
