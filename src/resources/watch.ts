import { watch, type FSWatcher } from 'chokidar'

/**
 * DEBOUNCE_MS coalesces a burst of file events (an editor's write-rename-delete, a `cp -r`) into
 * one reload. chokidar reports a change within a few milliseconds (bun-findings.md).
 */
const DEBOUNCE_MS = 100

/**
 * watchConfig calls `onChange` once after files under `dir` settle. Every event leads to a full
 * re-read, so the kind of event (add, change, unlink, rename) does not matter; hidden files and
 * editor backups are ignored.
 */
export function watchConfig(dir: string, onChange: () => void): FSWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined
  const watcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path: string) => {
      const base = path.slice(path.lastIndexOf('/') + 1)
      return (base.startsWith('.') && base !== '.') || base.endsWith('~') || base.endsWith('.swp') || base.endsWith('.tmp')
    },
  })
  watcher.on('all', () => {
    clearTimeout(timer)
    timer = setTimeout(onChange, DEBOUNCE_MS)
  })
  return watcher
}
