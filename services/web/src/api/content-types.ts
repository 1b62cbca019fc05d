import type { paths } from './schema';

/**
 * The API document describes an assignment's work (GET /api/content/assignments/{id}) only as far as
 * its common fields: a tool's definition is content's own JSON (services/content's
 * content-definition.ts, validated there). These are the parts of it this app renders.
 */
export type Assignment =
  paths['/api/content/clients/{clientId}/assignments']['get']['responses']['200']['content']['application/json']['items'][number];

export interface ChoiceOption {
  value: string | number;
  label: string;
}

export type DiaryField =
  | {
      type: 'number';
      key: string;
      label: string;
      required?: boolean;
      unit: string;
      min: number;
      max: number;
      decimals?: number;
    }
  | {
      type: 'scale';
      key: string;
      label: string;
      required?: boolean;
      min: number;
      max: number;
      labels?: Record<string, string>;
    }
  | {
      type: 'choice';
      key: string;
      label: string;
      required?: boolean;
      options: ChoiceOption[];
      multiple?: boolean;
    }
  | { type: 'free_text'; key: string; label: string; required?: boolean; maxLength?: number }
  | { type: 'time'; key: string; label: string; required?: boolean };

export type AnswerSpec =
  | { type: 'free_text'; maxLength?: number }
  | { type: 'choice'; options: ChoiceOption[]; multiple?: boolean }
  | { type: 'scale'; min: number; max: number; labels?: Record<string, string> };

export type Block =
  | { type: 'text'; markdown: string }
  | { type: 'image'; ref: string; alt: string }
  | { type: 'video'; ref: string; caption?: string }
  | { type: 'exercise'; key: string; prompt: string; answer: AnswerSpec }
  | { type: 'reflection'; key: string; prompt: string; maxLength?: number };

export interface ModuleSession {
  key: string;
  title: string;
  summary?: string;
  pages: { key: string; title: string; blocks: Block[] }[];
}

export interface Work {
  id: string;
  clientId: string;
  kind: 'module' | 'diary' | 'questionnaire';
  title: string;
  toolId: string;
  status: 'active' | 'withdrawn';
  content: {
    title: string;
    description?: string;
    instructions?: string;
    fields?: DiaryField[];
    options?: ChoiceOption[];
    items?: { key: string; text: string; options?: ChoiceOption[] }[];
    sessions?: ModuleSession[];
  };
  entries?: { id: string; recordedAt: string; values: Record<string, unknown> }[];
  responses?: {
    id: string;
    submittedAt: string;
    answers: Record<string, unknown>;
    score?: { total: number; band: string | null };
    flags?: string[];
  }[];
  flags?: { id: string; code: string; responseId: string; raisedAt: string; acknowledgedAt: string | null }[];
  nextDueAt?: string | null;
  position?: { sessionKey: string; pageKey: string } | null;
  answers?: { sessionKey: string; pageKey: string; blockKey: string; value: unknown }[];
  completedPages?: { sessionKey: string; pageKey: string }[];
  feedback?: { id: string; sessionKey: string; text: string; createdAt: string }[];
}

/** One line of a trend chart (content's report series). */
export interface Series {
  toolId: string;
  kind: 'diary' | 'questionnaire';
  title: string;
  measure: string;
  label: string;
  unit: string | null;
  min: number | null;
  max: number | null;
  points: { at: string; value: number; band?: string | null }[];
}

export interface Report {
  from: string | null;
  to: string | null;
  generatedAt: string;
  series: Series[];
  expiresAt?: string;
}
