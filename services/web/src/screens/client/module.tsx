import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { api, data } from '../../api/client';
import type { Block, Work } from '../../api/content-types';
import { Button, Field } from '../../ui/fields';
import { formatDate } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

/** Text blocks are a small Markdown subset: headings and paragraphs; emphasis marks are dropped. */
function TextBlock({ markdown }: { markdown: string }) {
  return (
    <>
      {markdown.split(/\n{2,}/).map((para, i) => {
        const text = para.replace(/\*\*|__|\*/g, '').trim();
        const heading = /^(#{1,3})\s+(.*)$/.exec(text);
        // The page title is the h2; a block's own headings sit below it.
        if (heading) return <h3 key={i}>{heading[2]}</h3>;
        return <p key={i}>{text}</p>;
      })}
    </>
  );
}

/**
 * A module session page by page: answers of exercises and reflections are saved with each step
 * (resumable on any device: the API keeps the position), and my professional's feedback is shown.
 */
export function ModuleTool({ work }: { work: Work }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const pages = useMemo(
    () => (work.content.sessions ?? []).flatMap((s) => s.pages.map((p) => ({ session: s, page: p }))),
    [work.content.sessions],
  );
  const start = Math.max(
    0,
    pages.findIndex(
      (p) => p.session.key === work.position?.sessionKey && p.page.key === work.position?.pageKey,
    ),
  );
  const [index, setIndex] = useState(start);
  const current = pages[index];
  const saved = (blockKey: string) =>
    work.answers?.find(
      (a) =>
        a.sessionKey === current?.session.key && a.pageKey === current?.page.key && a.blockKey === blockKey,
    )?.value;
  const save = useMutation({
    mutationFn: async (answers: Record<string, unknown>) =>
      data(
        await api.PUT('/api/content/assignments/{assignmentId}/pages/{sessionKey}/{pageKey}', {
          params: {
            path: { assignmentId: work.id, sessionKey: current!.session.key, pageKey: current!.page.key },
          },
          body: { answers, completed: true },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['work', work.id] });
      setIndex((i) => Math.min(i + 1, pages.length - 1));
    },
  });
  if (!current) return <p>{t('module.empty')}</p>;
  const inputs = current.page.blocks.filter((b) => b.type === 'exercise' || b.type === 'reflection');
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const answers: Record<string, unknown> = {};
    for (const b of inputs) {
      const v = form.get(b.key);
      if (v === null || v === '') continue;
      answers[b.key] = b.type === 'exercise' && b.answer.type === 'scale' ? Number(v) : String(v);
    }
    save.mutate(answers);
  };
  const feedback = (work.feedback ?? []).filter((f) => f.sessionKey === current.session.key);
  return (
    <>
      <p className="muted" aria-live="polite">
        {current.session.title} · {t('module.page', { n: index + 1, total: pages.length })}
      </p>
      <article className="card module-page">
        <h2>{current.page.title}</h2>
        {current.page.blocks.map((b, i) =>
          b.type === 'text' ? <TextBlock key={i} markdown={b.markdown} /> : null,
        )}
        {current.page.blocks
          .filter(
            (b): b is Extract<Block, { type: 'image' | 'video' }> => b.type === 'image' || b.type === 'video',
          )
          .map((b, i) => (
            <p key={i} className="muted">
              {b.type === 'image' ? b.alt : (b.caption ?? '')}
            </p>
          ))}
        <Form
          key={`${current.session.key}/${current.page.key}`}
          className="form"
          onSubmit={submit}
          validationErrors={fieldErrors(save.error)}
        >
          {inputs.map((b) => (
            <BlockInput key={b.key} block={b} saved={saved(b.key)} />
          ))}
          <Problem error={save.error} />
          <div className="actions">
            {index > 0 && (
              <Button variant="secondary" onPress={() => setIndex(index - 1)}>
                {t('questionnaire.back')}
              </Button>
            )}
            <Button type="submit" isDisabled={save.isPending}>
              {index === pages.length - 1 ? t('module.finish') : t('module.next')}
            </Button>
          </div>
        </Form>
      </article>
      {feedback.length > 0 && (
        <section aria-labelledby="feedback-heading" className="card">
          <h2 id="feedback-heading">{t('module.feedback')}</h2>
          {feedback.map((f) => (
            <blockquote key={f.id}>
              <p>{f.text}</p>
              <footer className="muted">{formatDate(f.createdAt, i18n.language)}</footer>
            </blockquote>
          ))}
        </section>
      )}
    </>
  );
}

function BlockInput({ block, saved }: { block: Block; saved: unknown }) {
  if (block.type === 'reflection' || (block.type === 'exercise' && block.answer.type === 'free_text'))
    return (
      <Field
        name={block.key}
        label={block.prompt}
        multiline
        defaultValue={typeof saved === 'string' ? saved : ''}
      />
    );
  if (block.type !== 'exercise') return null;
  const options =
    block.answer.type === 'choice'
      ? block.answer.options.map((o) => ({ value: String(o.value), label: o.label }))
      : block.answer.type === 'scale'
        ? Array.from({ length: block.answer.max - block.answer.min + 1 }, (_, i) => {
            const v = (block.answer as { min: number }).min + i;
            return { value: String(v), label: String(v) };
          })
        : [];
  return (
    <RadioGroup
      name={block.key}
      className="radio-group"
      defaultValue={saved !== undefined && saved !== null ? String(saved) : null}
    >
      <Label>{block.prompt}</Label>
      {options.map((o) => (
        <Radio key={o.value} value={o.value} className="radio">
          {o.label}
        </Radio>
      ))}
    </RadioGroup>
  );
}
