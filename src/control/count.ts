/** `n` and the noun, plural unless n is 1 (`1 link`, `2 links`, `2 openflow-switches`). */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : /(s|sh|ch|x)$/.test(noun) ? 'es' : 's'}`;
}
