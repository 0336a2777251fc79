import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * A header every tile, style and TileJSON request must carry with exactly this value, as a keyed tile API
 * (`X-Api-Key`, `Authorization: Bearer …`) demands; a request without it is answered 401. The name compares
 * case-insensitively (HTTP header names do), the value exactly.
 */
export interface RequiredHeader {
  name: string;
  value: string;
}

/** A required-header setting that cannot be used; the message names what is wrong. */
export class RequiredHeaderError extends Error {
  override name = 'RequiredHeaderError';
}

// RFC 9110 §5.1 field-name (a token); anything else could not be sent by a browser anyway.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Control characters would split or corrupt the header line.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Validates a required-header setting: `{name, value}` sets one, `{}`, null or undefined means none.
 * The name comes back lower-cased (as Node hands over request headers), the value trimmed (as Node reads it).
 */
export function parseRequiredHeader(input: unknown): RequiredHeader | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) throw new RequiredHeaderError(`requireHeader must be {"name": …, "value": …} or {}, got ${JSON.stringify(input)}`);
  const { name, value, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new RequiredHeaderError(`unknown key "${unknown[0]}" in requireHeader; allowed: name, value`);
  if (name === undefined && value === undefined) return undefined;
  if (typeof name !== 'string' || !TOKEN.test(name)) throw new RequiredHeaderError(`requireHeader.name must be a header name such as "x-api-key", got ${JSON.stringify(name)}`);
  if (typeof value !== 'string' || value.trim() === '' || CONTROL.test(value)) {
    throw new RequiredHeaderError(`requireHeader.value must be a non-empty string without control characters, got ${JSON.stringify(value)}`);
  }
  return { name: name.toLowerCase(), value: value.trim() };
}

/** Whether a request carries the required header with its value; always true when none is required. */
export function carriesRequiredHeader(headers: IncomingHttpHeaders, required: RequiredHeader | undefined): boolean {
  if (!required) return true;
  const got = headers[required.name.toLowerCase()];
  return (Array.isArray(got) ? got.join(', ') : got) === required.value;
}

/**
 * The 401's JSON body and headers. The body names the header but never the value it wants. WWW-Authenticate is
 * what RFC 9110 asks of a 401; a scheme of its own, because Basic would make a browser prompt for a password.
 */
export function unauthorizedAnswer(required: RequiredHeader): { body: { error: string }; headers: OutgoingHttpHeaders } {
  return {
    body: { error: `missing or wrong ${required.name} header` },
    headers: { 'WWW-Authenticate': `Header name="${required.name}"` },
  };
}
