// Group commit of local deliveries: deliveries that become ready together go to the store in one
// transaction (Store.deliverMany), so concurrent sessions pay for one durable commit instead of
// one each. A message announces itself (expect()) before its blob is fsynced; a ready delivery
// waits for the announced ones still fsyncing — at most MAX_WAIT_MS, and not at all when no one
// else is — since their fsyncs usually finish together. Each caller gets its own result, and only
// after the shared commit is durable: the 250 of every session waits for it.
import type { BlobRef, Delivered, DeliveryTarget, Store } from '../store/index.ts';

/** Most messages in one transaction: keeps the writer lock short. */
const MAX_BATCH = 64;
/** Longest a ready delivery waits for announced ones. */
const MAX_WAIT_MS = 5;

interface Pending {
  item: { blob: BlobRef; targets: DeliveryTarget[]; opts: { internalDate?: Date } };
  resolve: (d: Delivered[]) => void;
  reject: (err: unknown) => void;
}

export class DeliveryBatcher {
  private readonly store: Store;
  private queue: Pending[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Messages announced and not yet delivered or withdrawn. */
  private announced = 0;

  constructor(store: Store) {
    this.store = store;
  }

  /** Announces a delivery that will follow shortly; call the returned function if it will not. */
  expect(): { withdraw(): void } {
    this.announced++;
    let open = true;
    return {
      withdraw: () => {
        if (!open) return;
        open = false;
        this.announced--;
        this.schedule();
      },
    };
  }

  deliver(blob: BlobRef, targets: DeliveryTarget[], opts: { internalDate?: Date } = {}, ticket?: { withdraw(): void }): Promise<Delivered[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item: { blob, targets, opts }, resolve, reject });
      ticket?.withdraw();
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.immediate) return;
    if (this.announced <= 0 || this.queue.length >= MAX_BATCH) {
      // Everyone announced is here: commit after the I/O callbacks of this loop turn.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => void this.flush());
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (!this.immediate) this.immediate = setImmediate(() => void this.flush());
      }, MAX_WAIT_MS);
    }
  }

  private async flush(): Promise<void> {
    this.immediate = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    try {
      const results = await this.store.deliverMany(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      batch.forEach((p) => p.reject(err));
    }
    this.schedule();
  }
}
