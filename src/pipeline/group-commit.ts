// Group commit of local deliveries: deliveries that become ready in the same turn of the event
// loop go to the store in one transaction (Store.deliverMany), so twenty concurrent sessions pay
// for one durable commit instead of twenty. Each caller still gets its own result, and only
// after the shared commit is durable — the 250 of every session waits for it.
import type { BlobRef, Delivered, DeliveryTarget, Store } from '../store/index.ts';

/** Most messages in one transaction: keeps the writer lock short. */
const MAX_BATCH = 64;

interface Pending {
  item: { blob: BlobRef; targets: DeliveryTarget[]; opts: { internalDate?: Date } };
  resolve: (d: Delivered[]) => void;
  reject: (err: unknown) => void;
}

export class DeliveryBatcher {
  private readonly store: Store;
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(store: Store) {
    this.store = store;
  }

  deliver(blob: BlobRef, targets: DeliveryTarget[], opts: { internalDate?: Date } = {}): Promise<Delivered[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item: { blob, targets, opts }, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: everything that became ready
    // together (fsyncs completing at once) joins the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) this.schedule();
    try {
      const results = await this.store.deliverMany(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      batch.forEach((p) => p.reject(err));
    }
  }
}
