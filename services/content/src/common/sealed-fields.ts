/** Where each sealed text lives: the associated data of its encryption (a copy elsewhere does not open). */
export const sealedField = {
  answer: (assignmentId: string, session: string, page: string, block: string) =>
    `module_answer:${assignmentId}:${session}:${page}:${block}`,
  diaryEntry: (entryId: string) => `diary_entry:${entryId}`,
  feedback: (feedbackId: string) => `exercise_feedback:${feedbackId}`,
};
