// The sequence-number → UID map of a selected mailbox (RFC 9051 §2.3.1.1, §2.3.1.2). Every IDLE
// session holds one, so it is kept small: UIDs ascend and are mostly consecutive (they are
// assigned in order and only expunges open gaps), so the list is stored as runs of consecutive
// UIDs — 8 bytes per run, whatever its length (1,000 fresh messages: one run). A mailbox so
// fragmented that runs would cost more than a plain array (more than one run per two UIDs)
// switches to 4 bytes per UID. UIDs are 32-bit (RFC 9051 §2.3.1.1), hence Uint32Array.

const MIN_CAPACITY = 4;

function grown(a: Uint32Array, need: number): Uint32Array {
  if (need <= a.length) return a;
  const b = new Uint32Array(Math.max(MIN_CAPACITY, need, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}

export class UidList {
  /** How many UIDs the list holds (the EXISTS count). */
  length = 0;
  /** Runs form: first UID of run k. */
  private starts: Uint32Array;
  /** Runs form: number of UIDs in runs 0..k (so run k covers indexes ends[k-1] .. ends[k] - 1). */
  private ends: Uint32Array;
  private runs = 0;
  /** Plain form (fragmented mailboxes): flat[i] is the UID at index i; undefined in runs form. */
  private flat: Uint32Array | undefined;

  constructor(uids: Iterable<number> = []) {
    this.starts = new Uint32Array(0);
    this.ends = this.starts;
    this.rebuild(uids);
  }

  /** Replaces the contents with these ascending UIDs, choosing the smaller form. */
  private rebuild(uids: Iterable<number>): void {
    const arr = Array.isArray(uids) ? (uids as number[]) : [...uids];
    let runs = 0;
    for (let i = 0; i < arr.length; i++) if (i === 0 || arr[i] !== arr[i - 1]! + 1) runs++;
    this.length = 0;
    this.runs = 0;
    if (runs * 2 > arr.length + MIN_CAPACITY) {
      this.flat = Uint32Array.from(arr);
      this.starts = this.ends = new Uint32Array(0);
      this.length = arr.length;
      return;
    }
    this.flat = undefined;
    this.starts = new Uint32Array(runs);
    this.ends = new Uint32Array(runs);
    for (const u of arr) this.pushRun(u);
  }

  private runStart(k: number): number {
    return k === 0 ? 0 : this.ends[k - 1]!;
  }

  /** The run holding index i (binary search on the cumulative counts). */
  private runOfIndex(i: number): number {
    let lo = 0;
    let hi = this.runs - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! > i) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The last run whose first UID is <= uid, or -1. */
  private runOfUid(uid: number): number {
    let lo = 0;
    let hi = this.runs - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= uid) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The UID of sequence number i + 1. */
  at(i: number): number {
    if (this.flat) return this.flat[i]!;
    if (i < 0 || i >= this.length) return undefined as unknown as number;
    const k = this.runOfIndex(i);
    return this.starts[k]! + (i - this.runStart(k));
  }

  get last(): number {
    if (this.length === 0) return 0;
    if (this.flat) return this.flat[this.length - 1]!;
    const k = this.runs - 1;
    return this.starts[k]! + (this.ends[k]! - this.runStart(k)) - 1;
  }

  /** Appends a UID greater than every UID in the list. */
  push(uid: number): void {
    if (this.flat) {
      this.flat = grown(this.flat, this.length + 1);
      this.flat[this.length++] = uid;
      return;
    }
    this.pushRun(uid);
    this.maybeFlatten();
  }

  private pushRun(uid: number): void {
    if (this.runs > 0 && uid === this.last + 1) {
      this.ends[this.runs - 1]!++;
    } else {
      this.starts = grown(this.starts, this.runs + 1);
      this.ends = grown(this.ends, this.runs + 1);
      this.starts[this.runs] = uid;
      this.ends[this.runs] = this.length + 1;
      this.runs++;
    }
    this.length++;
  }

  /** Switches to the plain form when runs cost more than it would. */
  private maybeFlatten(): void {
    if (this.runs * 2 <= this.length + MIN_CAPACITY) return;
    const flat = new Uint32Array(this.length);
    let i = 0;
    for (const u of this) flat[i++] = u;
    this.flat = flat;
    this.starts = this.ends = new Uint32Array(0);
    this.runs = 0;
  }

  /** Removes the UID at index i (an EXPUNGE). */
  removeAt(i: number): void {
    if (i < 0 || i >= this.length) return;
    if (this.flat) {
      this.flat.copyWithin(i, i + 1, this.length);
      this.length--;
      return;
    }
    const k = this.runOfIndex(i);
    const first = this.runStart(k);
    const len = this.ends[k]! - first;
    const off = i - first;
    if (len === 1) {
      // The run disappears.
      this.starts.copyWithin(k, k + 1, this.runs);
      this.ends.copyWithin(k, k + 1, this.runs);
      this.runs--;
    } else if (off === 0) this.starts[k]!++;
    else if (off < len - 1) {
      // Split: run k keeps [0, off), a new run k+1 holds (off, len).
      this.starts = grown(this.starts, this.runs + 1);
      this.ends = grown(this.ends, this.runs + 1);
      this.starts.copyWithin(k + 1, k, this.runs);
      this.ends.copyWithin(k + 1, k, this.runs);
      this.runs++;
      this.ends[k] = first + off;
      this.starts[k + 1] = this.starts[k]! + off + 1;
      // ends[k + 1] still holds the old end of run k; the loop below takes the removed UID off it.
      for (let j = k + 1; j < this.runs; j++) this.ends[j]!--;
      this.length--;
      this.maybeFlatten();
      return;
    }
    // Run k (or, when it disappeared, its successor) and every later run end one index earlier.
    for (let j = k; j < this.runs; j++) this.ends[j]!--;
    this.length--;
  }

  /** Removes every UID in the set, keeping the order. */
  removeAll(gone: ReadonlySet<number>): void {
    const keep: number[] = [];
    for (const u of this) if (!gone.has(u)) keep.push(u);
    this.rebuild(keep);
  }

  /** 0-based index of a UID, or -1. */
  indexOf(uid: number): number {
    if (this.flat) {
      const a = this.flat;
      let lo = 0;
      let hi = this.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = a[mid]!;
        if (v === uid) return mid;
        if (v < uid) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    }
    const k = this.runOfUid(uid);
    if (k < 0) return -1;
    const first = this.runStart(k);
    const off = uid - this.starts[k]!;
    return off < this.ends[k]! - first ? first + off : -1;
  }

  /** UIDs at indexes start .. end - 1. */
  slice(start: number, end: number): number[] {
    const out: number[] = [];
    const stop = Math.min(end, this.length);
    if (this.flat) {
      for (let i = Math.max(0, start); i < stop; i++) out.push(this.flat[i]!);
      return out;
    }
    if (start >= stop) return out;
    let i = Math.max(0, start);
    for (let k = this.runOfIndex(i); k < this.runs && i < stop; k++) {
      const first = this.runStart(k);
      const base = this.starts[k]! - first;
      const runEnd = Math.min(this.ends[k]!, stop);
      for (; i < runEnd; i++) out.push(base + i);
    }
    return out;
  }

  toArray(): number[] {
    return this.slice(0, this.length);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    if (this.flat) {
      for (let i = 0; i < this.length; i++) yield this.flat[i]!;
      return;
    }
    for (let k = 0; k < this.runs; k++) {
      const end = this.starts[k]! + (this.ends[k]! - this.runStart(k));
      for (let u = this.starts[k]!; u < end; u++) yield u;
    }
  }

  /** Bytes held by the typed arrays (for tests and diagnostics). */
  get byteSize(): number {
    return this.flat ? this.flat.byteLength : this.starts.byteLength + this.ends.byteLength;
  }
}
