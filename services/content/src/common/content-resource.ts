/** Audit resources of content (identifiers, never free text). */
export type ContentResource =
  | 'content.tool'
  | 'content.assignment'
  | 'content.report'
  | 'content.report_share'
  | 'content.flag'
  | 'content.subject';
