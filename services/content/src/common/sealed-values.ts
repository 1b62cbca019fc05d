import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SubjectDataCipher, type Subject } from '@therapy-room/data-protection';

/** JSON values sealed with the client's data key: what content stores of a client's health values. */
@Injectable()
export class SealedValues {
  constructor(private readonly cipher: SubjectDataCipher) {}

  seal(manager: EntityManager, subject: Subject, field: string, value: unknown): Promise<Buffer> {
    return this.cipher.encrypt(manager, subject, field, JSON.stringify(value));
  }

  async open<T>(subjectId: string, field: string, sealed: Buffer, manager?: EntityManager): Promise<T> {
    return JSON.parse(await this.cipher.decrypt(subjectId, field, sealed, manager)) as T;
  }

  /** Opens the text sealed in `field` (texts are stored as they are, not as JSON). */
  openText(subjectId: string, field: string, sealed: Buffer, manager?: EntityManager): Promise<string> {
    return this.cipher.decrypt(subjectId, field, sealed, manager);
  }
}
