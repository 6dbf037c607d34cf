/** Locating repository files from tests and tools, whether run from src/ (tsx) or dist/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
/** The directory holding vnet's package.json. */
export function repoRoot() {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
        if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema')))
            return dir;
        const up = dirname(dir);
        if (up === dir)
            throw new Error('cannot find the vnet repository root above ' + fileURLToPath(import.meta.url));
        dir = up;
    }
}
//# sourceMappingURL=paths.js.map