// One timer for many sessions' deadlines (idle timeouts, IDLE polls). A Node Timeout per session
// costs an object of a dozen fields, a closure and async-hook bookkeeping each time it is armed;
// with 10,000 idle sessions re-arming after every command that adds up. Here a session is its
// own entry: it sets `deadline` (epoch ms) and joins the set; one unref'd timer fires on a grid
// (about an eighth of the shortest pending wait, at most one second), scans the set and calls
// expire() on each entry whose deadline has passed. A deadline never fires early and at most one
// grid step late; the scan is O(sessions) once per step, a few microseconds per thousand.

/** Something that waits until `deadline` (epoch ms, as the clock given to Deadlines reads it). */
export interface Expiring {
  deadline: number;
  /** Called once, after the deadline passed; the entry has already left the set. */
  expire(): void;
}

export interface DeadlinesOptions {
  now?: () => number;
  /** The coarsest grid step (default 1,000 ms). */
  maxStepMs?: number;
}

export class Deadlines {
  private readonly entries = new Set<Expiring>();
  private readonly now: () => number;
  private readonly maxStepMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (epoch ms); Infinity when none is armed. */
  private firesAt = Infinity;

  constructor(opts: DeadlinesOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxStepMs = opts.maxStepMs ?? 1000;
  }

  /** Entries waiting. */
  get size(): number {
    return this.entries.size;
  }

  /** Adds (or re-arms after a change of `deadline`) an entry that expires at e.deadline. */
  add(e: Expiring): void {
    this.entries.add(e);
    this.arm(e.deadline);
  }

  /** Removes an entry; it will not expire. */
  delete(e: Expiring): void {
    this.entries.delete(e);
    if (this.entries.size === 0) this.disarm();
  }

  /** Arms the timer so that it fires on the grid at or after `deadline`, unless it fires earlier anyway. */
  private arm(deadline: number): void {
    const now = this.now();
    const wait = Math.max(0, deadline - now);
    // A short wait gets a fine grid (tests, short timeouts); long ones share 1-second steps.
    const step = Math.min(this.maxStepMs, Math.max(1, Math.floor(wait / 8)));
    const at = Math.ceil(deadline / step) * step;
    if (at >= this.firesAt) return;
    this.disarm();
    this.firesAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - now));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.firesAt = Infinity;
  }

  private fire(): void {
    this.timer = undefined;
    this.firesAt = Infinity;
    const now = this.now();
    const due: Expiring[] = [];
    let next = Infinity;
    for (const e of this.entries) {
      if (e.deadline <= now) due.push(e);
      else if (e.deadline < next) next = e.deadline;
    }
    for (const e of due) this.entries.delete(e);
    if (next !== Infinity) this.arm(next);
    for (const e of due) e.expire();
  }

  /** Stops the timer; entries stay but no longer expire until the next add(). */
  close(): void {
    this.disarm();
  }
}
