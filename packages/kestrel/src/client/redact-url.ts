// What a URL looks like when shown to the user or logged: no credentials, no query (tokens live there).
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return url.length > 80 ? `${url.slice(0, 77)}…` : url;
  }
}
