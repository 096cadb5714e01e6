// Watches the header section of a message as it streams past (no buffering of the message):
// counts Received headers (mail-loop detection, RFC 5321 §6.3) and collects Delivered-To values
// (forwarding-loop detection). Stops looking at the first empty line (RFC 5322 §2.1).

const MAX_KEEP = 1024; // bytes of a header line looked at
const MAX_DELIVERED_TO = 100;

export class HeaderScanner {
  receivedCount = 0;
  readonly deliveredTo: string[] = [];
  private line: number[] = [];
  private lineLength = 0;
  private done = false;

  get finished(): boolean {
    return this.done;
  }

  push(chunk: Uint8Array): void {
    if (this.done) return;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) {
        this.endLine();
        if (this.done) return;
        continue;
      }
      if (this.lineLength++ < MAX_KEEP) this.line.push(b);
    }
  }

  private endLine(): void {
    const text = Buffer.from(this.line).toString('latin1').replace(/\r$/, '');
    this.line = [];
    this.lineLength = 0;
    if (text === '') {
      this.done = true;
      return;
    }
    if (/^received\s*:/i.test(text)) this.receivedCount++;
    else {
      const m = /^delivered-to\s*:\s*(.*)$/i.exec(text);
      if (m && this.deliveredTo.length < MAX_DELIVERED_TO) this.deliveredTo.push(m[1]!.trim().replace(/^<(.*)>$/, '$1').toLowerCase());
    }
  }
}
