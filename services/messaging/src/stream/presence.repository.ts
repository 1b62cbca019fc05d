import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Open live streams, shared by every replica through the database (see MessagingCore migration). */
@Injectable()
export class PresenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async open(s: {
    streamId: string;
    userId: string;
    tenantId: string;
    replica: string;
    at: Date;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO presence (stream_id, user_id, tenant_id, replica, heartbeat_at) VALUES ($1, $2, $3, $4, $5)`,
      [s.streamId, s.userId, s.tenantId, s.replica, s.at],
    );
  }

  async close(streamId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM presence WHERE stream_id = $1`, [streamId]);
  }

  /** One statement for every stream of this replica; rows of replicas gone for long are dropped. */
  async heartbeat(replica: string, forgetAfterSeconds: number, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE presence SET heartbeat_at = $2 WHERE replica = $1`, [replica, at]);
    await this.dataSource.query(
      `DELETE FROM presence WHERE heartbeat_at < $2::timestamptz - make_interval(secs => $1)`,
      [forgetAfterSeconds, at],
    );
  }

  async closeReplica(replica: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM presence WHERE replica = $1`, [replica]);
  }
}
