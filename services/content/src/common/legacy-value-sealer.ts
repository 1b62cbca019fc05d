import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { PLATFORM_LOGGER } from '@therapy-room/platform';
import { sealedField } from './sealed-fields';
import { SealedValues } from './sealed-values';

const BATCH = 500;

type Counts = Record<'diary_entry' | 'module_answer' | 'questionnaire_response' | 'flag', number>;

/**
 * Seals the health values that rows written before every value was sealed still hold in clear
 * (migration ContentSealedValues1764300000100: SQL cannot seal, it has no keys). Runs in the
 * background at every start until nothing is left; batches are claimed with SKIP LOCKED, so replicas
 * starting together share the work, and a row is sealed and emptied in one transaction.
 */
@Injectable()
export class LegacyValueSealer implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealed: SealedValues,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.sealAll().then(
      (counts) => {
        if (Object.values(counts).some((n) => n > 0))
          this.logger.info({ counts }, 'legacy clear values sealed');
      },
      (err: unknown) =>
        this.logger.error({ err }, 'sealing legacy clear values failed; retried at next start'),
    );
  }

  /** Seals every clear value left; answers how many rows of each table it sealed. */
  async sealAll(): Promise<Counts> {
    const counts: Counts = { diary_entry: 0, module_answer: 0, questionnaire_response: 0, flag: 0 };
    for (const table of Object.keys(counts) as (keyof Counts)[]) {
      for (;;) {
        const n = await this.dataSource.transaction((manager) => this.batch(manager, table));
        counts[table] += n;
        if (n < BATCH) break;
      }
    }
    return counts;
  }

  private async batch(manager: EntityManager, table: keyof Counts): Promise<number> {
    switch (table) {
      case 'diary_entry': {
        const rows: {
          id: string;
          tenant_id: string;
          client_id: string;
          value: object;
          sealed_text: Buffer | null;
        }[] = await manager.query(
          `SELECT id, tenant_id, client_id, value, sealed_text FROM diary_entry
            WHERE value IS NOT NULL LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        for (const r of rows) {
          const field = sealedField.diaryEntry(r.id);
          const texts = r.sealed_text
            ? await this.sealed.open<object>(r.client_id, field, r.sealed_text, manager)
            : {};
          const sealed = await this.sealed.seal(manager, subject(r), field, { ...r.value, ...texts });
          await manager.query(`UPDATE diary_entry SET value = NULL, sealed_text = $2 WHERE id = $1`, [
            r.id,
            sealed,
          ]);
        }
        return rows.length;
      }
      case 'module_answer': {
        const rows: {
          assignment_id: string;
          tenant_id: string;
          client_id: string;
          session_key: string;
          page_key: string;
          block_key: string;
          value: unknown;
        }[] = await manager.query(
          `SELECT m.assignment_id, a.tenant_id, m.client_id, m.session_key, m.page_key, m.block_key, m.value
             FROM module_answer m JOIN assignment a ON a.id = m.assignment_id
            WHERE m.value IS NOT NULL LIMIT ${BATCH} FOR UPDATE OF m SKIP LOCKED`,
        );
        for (const r of rows) {
          const key = [r.assignment_id, r.session_key, r.page_key, r.block_key] as const;
          const sealed = await this.sealed.seal(
            manager,
            subject(r),
            sealedField.answerValue(...key),
            r.value,
          );
          await manager.query(
            `UPDATE module_answer SET value = NULL, sealed_value = $5
              WHERE assignment_id = $1 AND session_key = $2 AND page_key = $3 AND block_key = $4`,
            [...key, sealed],
          );
        }
        return rows.length;
      }
      case 'questionnaire_response': {
        const rows: {
          id: string;
          tenant_id: string;
          client_id: string;
          answers: Record<string, number>;
          total: string;
          subscales: Record<string, number> | null;
          band: string | null;
          flags: string[] | null;
        }[] = await manager.query(
          `SELECT id, tenant_id, client_id, answers, total, subscales, band, flags FROM questionnaire_response
            WHERE sealed_score IS NULL LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        for (const r of rows) {
          const sealed = await this.sealed.seal(manager, subject(r), sealedField.response(r.id), {
            answers: r.answers,
            total: Number(r.total),
            subscales: r.subscales ?? {},
            band: r.band,
            flags: r.flags ?? [],
          });
          await manager.query(
            `UPDATE questionnaire_response
                SET sealed_score = $2, answers = NULL, total = NULL, subscales = NULL, band = NULL, flags = NULL
              WHERE id = $1`,
            [r.id, sealed],
          );
        }
        return rows.length;
      }
      case 'flag': {
        const rows: { id: string; tenant_id: string; client_id: string; code: string }[] =
          await manager.query(
            `SELECT id, tenant_id, client_id, code FROM flag WHERE sealed_code IS NULL LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          );
        for (const r of rows) {
          const sealed = await this.sealed.seal(manager, subject(r), sealedField.flag(r.id), r.code);
          await manager.query(`UPDATE flag SET sealed_code = $2, code = NULL WHERE id = $1`, [r.id, sealed]);
        }
        return rows.length;
      }
    }
  }
}

const subject = (r: { tenant_id: string; client_id: string }) => ({
  tenantId: r.tenant_id,
  subjectId: r.client_id,
});
