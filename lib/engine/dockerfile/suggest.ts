// "Did you mean ...?" for misspelled instructions, flags and stage names (like BuildKit's
// util/suggest): the closest candidate by edit distance, if it is close enough.

/** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
export function levenshtein(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The best candidate within a distance of about a third of the word, or undefined. */
export function suggest(word: string, candidates: readonly string[], caseSensitive = false): string | undefined {
  const norm = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const w = norm(word);
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = levenshtein(w, norm(c));
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  if (best === undefined || bestDist === 0) return bestDist === 0 && !caseSensitive ? best : undefined;
  return bestDist <= Math.max(1, Math.floor(w.length / 3)) ? best : undefined;
}
