/**
 * @therapy-room/caseload-access: which professionals may work with which clients, kept locally by any
 * service from caseload.assignment.granted.v1 / caseload.assignment.revoked.v1 (services never call
 * caseload). To wire it into a service that already has a database:
 *
 *   PlatformModule.forService({
 *     configShape,
 *     database: {
 *       entities: [...],
 *       // Runs after PlatformOutboxInbox1763800000000, which the platform prepends itself (listing it
 *       // again fails with "Duplicate migrations"); TypeORM runs the list in timestamp order.
 *       migrations: [...serviceMigrations, CaseloadAccessReadModel1763900000000],
 *     },
 *   }),
 *   CaseloadAccessModule,
 *
 * then inject `CaseloadAccess` where access is decided. The service's consumers then also read the two
 * caseload topics (consumer groups `<prefix><service>.<topic>`, from the beginning on first start).
 * The service must not handle these two topics with EventConsumer.handle itself: the inbox is keyed
 * by event id alone, so only one of the two handlers would have its effect.
 */
export { CaseloadAccessModule } from './caseload-access.module';
export { CaseloadAccess, type CareTeamBasis } from './caseload-access.service';
export { CaseloadAccessReadModel1763900000000 } from './database/1763900000000-caseload-access-read-model';
