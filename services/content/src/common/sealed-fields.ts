/**
 * Where each sealed value lives: the associated data of its encryption (a copy elsewhere does not
 * open). Every health value of a client is sealed with their data key (libs/data-protection): texts,
 * and numbers, choices, scores, bands and flags alike.
 */
export const sealedField = {
  /** A module answer that is text (a reflection, a thought record). */
  answer: (assignmentId: string, session: string, page: string, block: string) =>
    `module_answer:${assignmentId}:${session}:${page}:${block}`,
  /** A module answer that is not text (a scale, a choice, a number), as JSON. */
  answerValue: (assignmentId: string, session: string, page: string, block: string) =>
    `module_answer.value:${assignmentId}:${session}:${page}:${block}`,
  /** Every value of a diary entry (numbers and texts), as JSON. */
  diaryEntry: (entryId: string) => `diary_entry:${entryId}`,
  /** A questionnaire response's answers and score (total, subscales, band, flags), as JSON. */
  response: (responseId: string) => `questionnaire_response:${responseId}`,
  /** A flag's code (e.g. self_harm). */
  flag: (flagId: string) => `flag:${flagId}`,
  feedback: (feedbackId: string) => `exercise_feedback:${feedbackId}`,
  /** The score carried by `content.questionnaire.scored.v2`, as JSON. */
  scoredEvent: (responseId: string) => `event:content.questionnaire.scored:${responseId}`,
};
