/**
 * Small-cell suppression, pure: any count under the threshold is withheld (null), and so is any
 * figure derived from one (an average), so no small group of clients can be singled out.
 */
export const suppress = (count: number, minCell: number): number | null => (count >= minCell ? count : null);

/** Sessions completed per use of a module, only when both counts are large enough to show. */
export function averagePerUse(sessions: number, uses: number, minCell: number): number | null {
  if (suppress(sessions, minCell) === null || suppress(uses, minCell) === null) return null;
  return Math.round((sessions / uses) * 100) / 100;
}
