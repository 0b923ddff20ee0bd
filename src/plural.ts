/** counted writes a count with its noun in the right number: `1 config error`, `2 config errors`. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}
