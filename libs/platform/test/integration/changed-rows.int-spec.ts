import { DataSource } from 'typeorm';
import { changedRows } from '@therapy-room/platform';
import { startFixture, type Fixture } from './fixture/start-fixture';

describe('changedRows: the rows of UPDATE/DELETE … RETURNING through TypeORM, against real PostgreSQL', () => {
  let fx: Fixture;
  let data: DataSource;
  beforeAll(async () => {
    fx = await startFixture({}, { consume: false });
    data = fx.app.get(DataSource);
    await data.query(`CREATE TABLE returning_probe (id int PRIMARY KEY, status text NOT NULL)`);
    await data.query(`INSERT INTO returning_probe VALUES (1, 'active'), (2, 'active')`);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('answers the changed rows themselves, and none when nothing matched', async () => {
    // What the driver gives back raw: a pair, whatever matched (the defect this helper exists for).
    const raw: unknown[] = await data.query(`DELETE FROM returning_probe WHERE id = 99 RETURNING status`);
    expect(raw).toEqual([[], 0]);

    expect(
      await changedRows(
        data.manager,
        `UPDATE returning_probe SET status = $2 WHERE id = $1 RETURNING id, status`,
        [1, 'deactivated'],
      ),
    ).toEqual([{ id: 1, status: 'deactivated' }]);
    expect(
      await changedRows(data.manager, `DELETE FROM returning_probe WHERE id = $1 RETURNING status`, [2]),
    ).toEqual([{ status: 'active' }]);
    expect(
      await changedRows(data.manager, `DELETE FROM returning_probe WHERE id = $1 RETURNING status`, [2]),
    ).toEqual([]);
  });

  it('refuses a statement it would misread', async () => {
    await expect(changedRows(data.manager, `SELECT 1`, [])).rejects.toThrow(/UPDATE or DELETE/);
    await expect(changedRows(data.manager, `DELETE FROM returning_probe`, [])).rejects.toThrow(/RETURNING/);
  });
});
