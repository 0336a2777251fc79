/**
 * The policy the built app ships in its page (a `<meta http-equiv>` added by vite.config.ts at build time only:
 * Vite's dev server needs inline scripts). No inline or eval'd script, workers only from the app's own origin, no
 * plugins, no <base> rewrites, no form posts. Network and images stay open to any http(s) host: a user's own
 * `?style=` names tile, sprite and glyph hosts this build cannot know. A host that can send headers should send it
 * as a header too (deploy/nginx.conf), which also covers the worker scripts and adds frame-ancestors.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self' https: http:",
  "img-src 'self' data: blob: https: http:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
