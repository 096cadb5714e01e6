// The sequence-number → UID map of a selected mailbox in 4 bytes per message (UIDs are 32-bit,
// RFC 9051 §2.3.1.1): with thousands of IDLE sessions, a plain number[] per session would cost
// twice that and more.

export class UidList {
  private a: Uint32Array;
  length = 0;

  constructor(uids: Iterable<number> = []) {
    const arr = Array.isArray(uids) ? (uids as number[]) : [...uids];
    this.a = Uint32Array.from(arr);
    this.length = arr.length;
  }

  /** The UID of sequence number i + 1. */
  at(i: number): number {
    return this.a[i]!;
  }

  get last(): number {
    return this.length > 0 ? this.a[this.length - 1]! : 0;
  }

  push(uid: number): void {
    if (this.length === this.a.length) {
      const bigger = new Uint32Array(Math.max(16, Math.ceil(this.a.length * 1.25)));
      bigger.set(this.a);
      this.a = bigger;
    }
    this.a[this.length++] = uid;
  }

  removeAt(i: number): void {
    this.a.copyWithin(i, i + 1, this.length);
    this.length--;
  }

  /** Removes every UID in the set, keeping the order. */
  removeAll(gone: ReadonlySet<number>): void {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      const u = this.a[r]!;
      if (!gone.has(u)) this.a[w++] = u;
    }
    this.length = w;
  }

  /** 0-based index of a UID (binary search; UIDs ascend), or -1. */
  indexOf(uid: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.a[mid]!;
      if (v === uid) return mid;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  slice(start: number, end: number): number[] {
    return Array.from(this.a.subarray(start, Math.min(end, this.length)));
  }

  toArray(): number[] {
    return this.slice(0, this.length);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.length; i++) yield this.a[i]!;
  }
}
