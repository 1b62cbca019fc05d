/**
 * How the actor stands to one client's work: the client themself, or a professional of their care
 * team (an assignment or an active colleague link in the caseload read model). Organisation
 * administrators and platform staff manage the organisation, not its clients' health content: they
 * get 403 (they know the client exists); anyone else gets 404.
 */
export type Standing = 'self' | 'care_team';
