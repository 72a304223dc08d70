/** One page of a list and the cursor for the next page (null on the last page). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A LIKE pattern matching `text` literally, anywhere or from the start. */
export function likePattern(text: string, where: 'contains' | 'prefix'): string {
  const literal = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return where === 'contains' ? `%${literal}%` : `${literal}%`;
}
