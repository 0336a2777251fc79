// Browser side of the export buttons. Both report success instead of throwing: the panel shows the outcome.

export async function copyText(text: string): Promise<boolean> {
  try {
    // needs a secure context and a recent user gesture; the buttons provide the gesture
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // denied (permissions policy, insecure origin): fall through to the legacy path
  }
  return copyWithSelection(text);
}

// execCommand('copy') is deprecated but still the only copy that works on plain http:// (a LAN dev server).
function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  area.style.pointerEvents = 'none';
  const previousFocus = document.activeElement as HTMLElement | null;
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  previousFocus?.focus?.();
  return copied;
}

export function downloadText(text: string, fileName: string, type: string): boolean {
  try {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.style.display = 'none';
    document.body.append(link);
    link.click();
    link.remove();
    // revoking at once can cancel the download in some browsers; a tick later is enough
    setTimeout(() => URL.revokeObjectURL(url), 0);
    return true;
  } catch {
    return false;
  }
}
