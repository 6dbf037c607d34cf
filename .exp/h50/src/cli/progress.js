/** Progress lines on stderr, shown only when stderr is a terminal (so pipes and CI stay clean). */
export class Progress {
    #enabled;
    #last = 0;
    constructor(enabled = process.stderr.isTTY === true) {
        this.#enabled = enabled;
    }
    /** Updates the progress line at most ten times a second. */
    update(text) {
        if (!this.#enabled)
            return;
        const now = Date.now();
        if (now - this.#last < 100)
            return;
        this.#last = now;
        process.stderr.write(`\r\x1b[K${text}`);
    }
    done() {
        if (this.#enabled)
            process.stderr.write('\r\x1b[K');
    }
}
//# sourceMappingURL=progress.js.map