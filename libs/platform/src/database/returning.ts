import type { EntityManager } from 'typeorm';

/**
 * The rows of an `UPDATE … RETURNING` or `DELETE … RETURNING`. TypeORM's PostgreSQL driver answers
 * those two commands with `[rows, affectedCount]` (and every other command with the rows), so reading
 * the result as rows directly finds a two-element array whatever was changed: use this instead.
 */
export async function changedRows<T>(
  manager: Pick<EntityManager, 'query'>,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  if (!/^\s*(UPDATE|DELETE)\b/i.test(sql) || !/\bRETURNING\b/i.test(sql)) {
    throw new Error('changedRows is for UPDATE or DELETE … RETURNING statements');
  }
  const [rows] = (await manager.query(sql, parameters)) as [T[], number];
  return rows;
}
