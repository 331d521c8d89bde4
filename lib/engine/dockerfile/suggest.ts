// "Did you mean ...?" for misspelled instructions, flags and stage names (like BuildKit's
// util/suggest): the closest candidate by edit distance, if it is close enough.

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
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
