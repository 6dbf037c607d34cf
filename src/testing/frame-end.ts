/** A test endpoint app: sends the frames it is given on `tx`, keeps a copy of what arrives on `rx`. */
import { App, type AppContext } from '../engine/app.js';

export class FrameEnd extends App<Record<string, never>, unknown> {
  readonly received: number[][] = [];

  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, {});
  }

  /** Sends one frame on `tx` (the test wires `tx` before calling). */
  send(bytes: number[]): void {
    const p = this.alloc()!;
    p.setData(Uint8Array.from(bytes));
    this.output.tx!.transmit(p);
  }

  override push(): void {
    const l = this.input.rx;
    if (l === undefined) return;
    while (!l.empty()) {
      const p = l.receive();
      this.received.push([...p.bytes()]);
      this.consume(p);
    }
  }

  /** The frames received since the last call. */
  take(): number[][] {
    return this.received.splice(0);
  }
}
