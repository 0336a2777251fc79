// window.localStorage itself throws (SecurityError) in sandboxed iframes and with storage blocked; the overlay then
// runs without memory rather than failing to mount.
export function browserStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
