/**
 * A token bucket on the engine clock, the shape NIC rate limiters have (`max_tx_rate`).
 *
 * Tokens are bits. The bucket refills at `rateBitsPerSecond` from the time of the last take and
 * holds at most `burstBits`, so an idle VF cannot save up more than one burst. A frame that does
 * not find enough tokens is refused whole (the caller counts it as a drop); refused frames take
 * nothing. Time is engine nanoseconds, so a run on the virtual clock is deterministic.
 */
export class TokenBucket {
    rateBitsPerSecond;
    burstBits;
    #tokens;
    #last;
    /** Frames refused because the bucket was short (the limiter's overflow counter). */
    refused = 0;
    /** `burstBits` defaults to 1 ms of traffic at the rate, at least two full-size frames. */
    constructor(rateBitsPerSecond, now, burstBits) {
        if (!(rateBitsPerSecond > 0) || !Number.isFinite(rateBitsPerSecond))
            throw new RangeError(`token bucket: rate must be a positive number of bits per second, got ${rateBitsPerSecond}`);
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.burstBits = burstBits ?? Math.max(rateBitsPerSecond / 1000, 2 * 1522 * 8);
        if (!(this.burstBits > 0))
            throw new RangeError(`token bucket: burst must be positive, got ${burstBits}`);
        this.#tokens = this.burstBits;
        this.#last = now;
    }
    /** Tokens (bits) available at `now`, for show commands (the limiter's gauge). */
    available(now) {
        this.#refill(now);
        return this.#tokens;
    }
    /** Takes the tokens for a frame of `bytes` bytes at `now`; false (and counted) when there are not enough. */
    take(bytes, now) {
        this.#refill(now);
        const bits = bytes * 8;
        if (bits > this.#tokens) {
            this.refused++;
            return false;
        }
        this.#tokens -= bits;
        return true;
    }
    #refill(now) {
        const dt = now - this.#last;
        if (dt <= 0)
            return;
        this.#last = now;
        const t = this.#tokens + (dt * this.rateBitsPerSecond) / 1e9;
        this.#tokens = t > this.burstBits ? this.burstBits : t;
    }
}
//# sourceMappingURL=token-bucket.js.map