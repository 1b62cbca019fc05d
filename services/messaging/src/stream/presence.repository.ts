import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Open live streams, shared by every replica through the database (see MessagingCore migration). */
@Injectable()
export class PresenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async open(s: { streamId: string; userId: string; tenantId: string; replica: string }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO presence (stream_id, user_id, tenant_id, replica) VALUES ($1, $2, $3, $4)`,
      [s.streamId, s.userId, s.tenantId, s.replica],
    );
  }

  async close(streamId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM presence WHERE stream_id = $1`, [streamId]);
  }

  /** One statement for every stream of this replica; rows of replicas gone for long are dropped. */
  async heartbeat(replica: string, forgetAfterSeconds: number): Promise<void> {
    await this.dataSource.query(`UPDATE presence SET heartbeat_at = now() WHERE replica = $1`, [replica]);
    await this.dataSource.query(
      `DELETE FROM presence WHERE heartbeat_at < now() - make_interval(secs => $1)`,
      [forgetAfterSeconds],
    );
  }

  async closeReplica(replica: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM presence WHERE replica = $1`, [replica]);
  }
}
