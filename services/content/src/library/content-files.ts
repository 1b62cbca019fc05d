import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { toolDefinitionSchema, type ToolDefinition } from './content-definition';

/** One problem in one content file: the file, where inside it, and why. */
export interface ContentFileError {
  file: string;
  path: string;
  message: string;
}

export interface ContentFile {
  file: string;
  definition: ToolDefinition;
}

/** Human-readable lines, one per problem: `phq-9.questionnaire.json: scoring.bands.2.min: …`. */
export const formatContentFileErrors = (errors: ContentFileError[]): string =>
  errors.map((e) => `${e.file}: ${e.path}: ${e.message}`).join('\n');

/** Validates one file's text against the content schema. */
export function parseContentFile(file: string, raw: string): ContentFile | ContentFileError[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return [{ file, path: '(file)', message: `is not valid JSON (${(err as Error).message})` }];
  }
  const parsed = toolDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      file,
      path:
        issue.code === 'unrecognized_keys'
          ? [...issue.path, issue.keys.join(', ')].join('.')
          : issue.path.join('.') || '(root)',
      message: issue.code === 'unrecognized_keys' ? 'is not allowed' : issue.message,
    }));
  }
  return { file, definition: parsed.data };
}

/**
 * Reads every `*.json` of a directory (the seeds) and validates all of them: either every file is
 * valid, or the answer lists every problem of every file (none is loaded then). Two files with the
 * same key are a problem too.
 */
export function loadContentDirectory(directory: string): {
  files: ContentFile[];
  errors: ContentFileError[];
} {
  const names = readdirSync(directory)
    .filter((n) => n.endsWith('.json'))
    .sort();
  const files: ContentFile[] = [];
  const errors: ContentFileError[] = [];
  const keys = new Map<string, string>();
  for (const name of names) {
    const result = parseContentFile(basename(name), readFileSync(join(directory, name), 'utf8'));
    if (Array.isArray(result)) {
      errors.push(...result);
      continue;
    }
    const other = keys.get(result.definition.key);
    if (other) {
      errors.push({
        file: name,
        path: 'key',
        message: `"${result.definition.key}" is also the key of ${other}`,
      });
      continue;
    }
    keys.set(result.definition.key, name);
    files.push(result);
  }
  if (!names.length)
    errors.push({ file: directory, path: '(directory)', message: 'holds no .json content file' });
  return { files: errors.length ? [] : files, errors };
}
