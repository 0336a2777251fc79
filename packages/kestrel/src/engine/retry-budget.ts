export interface RetryBudgetOptions {
  budgetRatio: number;
  budgetFloor: number;
  budgetWindowMs: number;
}

// Retries may be at most `budgetRatio` of the requests started within the sliding window, plus `budgetFloor`
// so a quiet client can still retry a few failures (Finagle's RetryBudget). When a server fails everything,
// this caps the extra load retries add at ~20 % instead of the ×maxAttempts a per-request limit allows.
export class RetryBudget {
  private readonly requests = new TimestampQueue();
  private readonly retries = new TimestampQueue();

  constructor(private options: RetryBudgetOptions) {}

  configure(options: RetryBudgetOptions): void {
    this.options = options;
  }

  recordRequest(now: number): void {
    // Expired here too, not only when a retry is asked: a healthy session never retries, and its log of request
    // times would otherwise grow for as long as the page is open.
    this.requests.expire(now - this.options.budgetWindowMs);
    this.requests.push(now);
  }

  /** Timestamps held (for tests of the bound). */
  get held(): number {
    return this.requests.size + this.retries.size;
  }

  // Spends one retry if the budget allows it.
  tryRetry(now: number): boolean {
    const since = now - this.options.budgetWindowMs;
    this.requests.expire(since);
    this.retries.expire(since);
    if (this.retries.size + 1 > this.options.budgetFloor + this.options.budgetRatio * this.requests.size) return false;
    this.retries.push(now);
    return true;
  }
}

// Timestamps in arrival order; expiring from the front is amortised O(1) (compacts when half is dead).
class TimestampQueue {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(t: number): void {
    this.items.push(t);
  }

  expire(before: number): void {
    while (this.head < this.items.length && this.items[this.head] <= before) this.head++;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
