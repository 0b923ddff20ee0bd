/**
 * CONFIG_WORKER_URL is where the config worker's entry point is. This module sits beside main.ts
 * on purpose: `bun build --compile` (package.json `build`, which lists the worker as a second
 * entry point) puts both entry points under one root, src/ here and /$bunfs/root/ in the binary,
 * and gives every bundled module the binary's import.meta.url, so only a path relative to src/
 * resolves both when run from source and in the binary.
 */
export const CONFIG_WORKER_URL = new URL('./reload/config-worker.ts', import.meta.url)
