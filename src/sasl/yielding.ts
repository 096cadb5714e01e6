// Slow hash computations (bcrypt, SHA-crypt) are generators that yield now and then; verifying a
// login runs them with drainAsync so one login does not stall every other session.

/** Runs a yielding computation to its end without pausing. */
export function drain<T>(g: Generator<void, T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Runs a yielding computation, giving the event loop a turn at each yield. */
export async function drainAsync<T>(g: Generator<void, T>): Promise<T> {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
