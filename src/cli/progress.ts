/** Progress lines on stderr, shown only when stderr is a terminal (so pipes and CI stay clean). */
export class Progress {
  readonly #enabled: boolean;
  #last = 0;
  constructor(enabled = process.stderr.isTTY === true) {
    this.#enabled = enabled;
  }
  /** Updates the progress line at most ten times a second. */
  update(text: string): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    process.stderr.write(`\r\x1b[K${text}`);
  }
  done(): void {
    if (this.#enabled) process.stderr.write('\r\x1b[K');
  }
}
