import type { BrowserContext, CDPSession, Page } from '@playwright/test';

// usedSize: the JS heap; backing: ArrayBuffer backing stores outside it (where tile bytes live)
export interface HeapUsage {
  used: number;
  backing: number;
}

export interface HeapReading {
  page: HeapUsage | null;
  // by worker script URL
  workers: Record<string, HeapUsage | null>;
}

// JS heap of a page and of its dedicated workers, after a forced GC. Playwright cannot open a CDP session on a
// worker, so the page's session auto-attaches to its workers (non-flattened) and speaks to each through
// Target.sendMessageToTarget; sessions come and go with the workers (a restarted engine worker is picked up).
export class JsHeaps {
  private readonly sessions = new Map<string, string>();
  private readonly waiting = new Map<number, (result: unknown) => void>();
  private nextId = 1;

  private constructor(private readonly cdp: CDPSession) {}

  static async attach(context: BrowserContext, page: Page): Promise<JsHeaps> {
    const heaps = new JsHeaps(await context.newCDPSession(page));
    const cdp = heaps.cdp as unknown as { on(event: string, fn: (e: Record<string, unknown>) => void): void };
    cdp.on('Target.attachedToTarget', (e) => heaps.sessions.set(String(e.sessionId), String((e.targetInfo as { url: string }).url)));
    cdp.on('Target.detachedFromTarget', (e) => heaps.sessions.delete(String(e.sessionId)));
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const message = JSON.parse(String(e.message)) as { id?: number; result?: unknown; error?: unknown };
      if (message.id !== undefined) heaps.waiting.get(message.id)?.(message.result ?? null);
    });
    await heaps.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return heaps;
  }

  async read(): Promise<HeapReading> {
    const page = await this.usedAfterGc(undefined);
    const workers: Record<string, HeapUsage | null> = {};
    for (const [sessionId, url] of this.sessions) workers[url] = await this.usedAfterGc(sessionId);
    return { page, workers };
  }

  private async usedAfterGc(sessionId: string | undefined): Promise<HeapUsage | null> {
    try {
      await this.call(sessionId, 'HeapProfiler.collectGarbage');
      const usage = (await this.call(sessionId, 'Runtime.getHeapUsage')) as { usedSize?: number; backingStorageSize?: number } | null;
      return usage?.usedSize === undefined ? null : { used: usage.usedSize, backing: usage.backingStorageSize ?? 0 };
    } catch {
      return null;
    }
  }

  private call(sessionId: string | undefined, method: string): Promise<unknown> {
    if (sessionId === undefined) return this.send(method, {});
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method} timed out`));
      }, 5000);
      this.waiting.set(id, (result) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(result);
      });
      void this.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) }).catch(reject);
    });
  }

  private send(method: string, params: Record<string, unknown>): Promise<unknown> {
    return (this.cdp as unknown as { send(method: string, params: Record<string, unknown>): Promise<unknown> }).send(method, params);
  }
}
