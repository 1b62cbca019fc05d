import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sealedField } from '../common/sealed-fields';
import { SealedValues } from '../common/sealed-values';

export interface ReportFilter {
  tenantId: string;
  clientId: string;
  /** Only these tools (a share's scope); null: all. */
  toolIds: string[] | null;
  from: Date | null;
  to: Date | null;
}

/**
 * The only file with the report queries: a client's diary values and scores over time. The values
 * are sealed with the client's key; trends are computed here after opening them, never in SQL.
 */
@Injectable()
export class ReportsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealed: SealedValues,
  ) {}

  async diaryPoints(
    f: ReportFilter,
  ): Promise<{ tool_id: string; revision_id: string; recorded_at: Date; value: Record<string, unknown> }[]> {
    const rows: {
      id: string;
      tool_id: string;
      revision_id: string;
      recorded_at: Date;
      value: Record<string, unknown> | null;
      sealed_text: Buffer | null;
    }[] = await this.dataSource.query(
      `SELECT e.id, a.tool_id, a.revision_id, e.recorded_at, e.value, e.sealed_text
         FROM diary_entry e JOIN assignment a ON a.id = e.assignment_id
        WHERE e.tenant_id = $1 AND e.client_id = $2 AND ($3::uuid[] IS NULL OR a.tool_id = ANY($3))
          AND ($4::timestamptz IS NULL OR e.recorded_at >= $4) AND ($5::timestamptz IS NULL OR e.recorded_at < $5)
        ORDER BY e.recorded_at, e.id LIMIT 10000`,
      [f.tenantId, f.clientId, f.toolIds, f.from, f.to],
    );
    return Promise.all(
      rows.map(async ({ id, sealed_text, value, ...row }) => ({
        ...row,
        value: {
          ...value,
          ...(sealed_text
            ? await this.sealed.open<Record<string, unknown>>(
                f.clientId,
                sealedField.diaryEntry(id),
                sealed_text,
              )
            : {}),
        },
      })),
    );
  }

  async scorePoints(f: ReportFilter): Promise<
    {
      tool_id: string;
      revision_id: string;
      submitted_at: Date;
      total: number;
      subscales: Record<string, number>;
      band: string | null;
    }[]
  > {
    const rows: {
      id: string;
      tool_id: string;
      revision_id: string;
      submitted_at: Date;
      total: string | null;
      subscales: Record<string, number> | null;
      band: string | null;
      sealed_score: Buffer | null;
    }[] = await this.dataSource.query(
      `SELECT r.id, a.tool_id, r.revision_id, r.submitted_at, r.total, r.subscales, r.band, r.sealed_score
         FROM questionnaire_response r JOIN assignment a ON a.id = r.assignment_id
        WHERE r.tenant_id = $1 AND r.client_id = $2 AND ($3::uuid[] IS NULL OR a.tool_id = ANY($3))
          AND ($4::timestamptz IS NULL OR r.submitted_at >= $4) AND ($5::timestamptz IS NULL OR r.submitted_at < $5)
        ORDER BY r.submitted_at, r.id LIMIT 10000`,
      [f.tenantId, f.clientId, f.toolIds, f.from, f.to],
    );
    return Promise.all(
      rows.map(async ({ id, sealed_score, ...row }) => {
        const score = sealed_score
          ? await this.sealed.open<{ total: number; subscales: Record<string, number>; band: string | null }>(
              f.clientId,
              sealedField.response(id),
              sealed_score,
            )
          : { total: Number(row.total), subscales: row.subscales ?? {}, band: row.band };
        return {
          tool_id: row.tool_id,
          revision_id: row.revision_id,
          submitted_at: row.submitted_at,
          total: score.total,
          subscales: score.subscales,
          band: score.band,
        };
      }),
    );
  }

  /** The diary and questionnaire tools the client has (had), for a share's scope. */
  async reportTools(tenantId: string, clientId: string): Promise<string[]> {
    const rows: { tool_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT tool_id FROM assignment WHERE tenant_id = $1 AND client_id = $2 AND kind IN ('diary', 'questionnaire')`,
      [tenantId, clientId],
    );
    return rows.map((r) => r.tool_id);
  }
}
