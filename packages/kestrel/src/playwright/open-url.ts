/** The part of `kestrel.open`'s options that makes the address it opens. */
export interface OpenUrlOptions {
  url?: string;
  params?: Record<string, string | undefined>;
  hash?: string;
}

/**
 * The address `kestrel.open` navigates to: `url` (a path, resolved against `baseURL` as a link would be, or an
 * absolute URL; default `baseURL` itself), with each defined entry of `params` set as a query parameter (replacing
 * one of the same name already in the URL) and `hash` as the fragment (with or without its `#`).
 */
export function openUrl(baseURL: string | undefined, options: OpenUrlOptions = {}): string {
  let url: URL;
  try {
    url = new URL(options.url ?? baseURL ?? '', baseURL);
  } catch {
    throw new Error(
      baseURL
        ? `kestrel.open: "${options.url}" is not a URL, nor a path under baseURL ${baseURL}`
        : "kestrel.open needs the app's address: set `use.baseURL` in the Playwright config, or pass an absolute `url`",
    );
  }
  for (const [key, value] of Object.entries(options.params ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  if (options.hash !== undefined) url.hash = options.hash;
  return url.href;
}
