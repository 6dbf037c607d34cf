/**
 * A fixed map from uint32 keys (IPv4 addresses, VNIs, GRE keys) to small indices, for data-path
 * lookups: open addressing over typed arrays, at most half full, built once from the key list.
 * A JS Map is slower here because keys above 2^31 are heap numbers, hashed by value each time.
 */
export class U32Index {
    #keys;
    /** index + 1 per slot; 0 marks an empty slot. */
    #values;
    #mask;
    #shift;
    /** Maps `keys[i]` to `i`; keys must be distinct uint32 values. */
    constructor(keys) {
        let bits = 1;
        while (1 << bits < keys.length * 2)
            bits++;
        this.#mask = (1 << bits) - 1;
        this.#shift = 32 - bits;
        this.#keys = new Uint32Array(1 << bits);
        this.#values = new Int32Array(1 << bits);
        for (let i = 0; i < keys.length; i++) {
            const k = keys[i] >>> 0;
            if (this.get(k) >= 0)
                throw new Error(`u32 index: key ${k} given twice`);
            let s = this.#slot(k);
            while (this.#values[s] !== 0)
                s = (s + 1) & this.#mask;
            this.#keys[s] = k;
            this.#values[s] = i + 1;
        }
    }
    #slot(key) {
        return Math.imul(key, 0x9e3779b1) >>> this.#shift;
    }
    /** The index of `key`, or -1. */
    get(key) {
        const keys = this.#keys;
        const values = this.#values;
        let s = this.#slot(key);
        for (;;) {
            const v = values[s];
            if (v === 0)
                return -1;
            if (keys[s] === key >>> 0)
                return v - 1;
            s = (s + 1) & this.#mask;
        }
    }
}
//# sourceMappingURL=u32-index.js.map