/**
 * Whether `a` is within `max` edits of `b`: insertions, deletions, substitutions and swaps of two
 * neighbouring characters (Damerau-Levenshtein, optimal string alignment, as Lucene's fuzzy
 * query counts them). Compares code points; stops as soon as a row exceeds `max`.
 */
export function withinEdits(a: string, b: string, max: number): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return false;
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return false;
    prev2 = prev;
    prev = row;
  }
  return prev[y.length]! <= max;
}

/** The words of a text as Graylog's search splits it: runs of letters and digits, lowercased. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
