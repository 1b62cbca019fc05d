import { useEffect, useRef, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link, useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button, Field } from '../../ui/fields';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

function useConversations() {
  return useQuery({
    queryKey: ['conversations'],
    queryFn: async () =>
      data(await api.GET('/api/messaging/conversations', { params: { query: { limit: 50 } } })),
  });
}

/** My conversations, and the open one: messages arrive live, reading marks them read. */
export function MessagesScreen({ params }: { params: { conversationId?: string } }) {
  const { t } = useTranslation();
  const conversations = useConversations();
  const open = params.conversationId;
  return (
    <Page title={t('messages.title')}>
      <div className={`messages-layout ${open ? 'has-open' : ''}`}>
        <nav aria-label={t('messages.conversations')} className="conversation-list">
          <Problem error={conversations.error} />
          {conversations.isPending && <Loading />}
          <ul>
            {conversations.data?.items.map((c) => (
              <li key={c.id}>
                <Link
                  href={`/messages/${c.id}`}
                  aria-current={c.id === open ? 'page' : undefined}
                  className="conversation-link"
                >
                  {c.counterpart.displayName ?? t('messages.someone')}
                  {c.unreadCount > 0 && (
                    <span className="badge">
                      {c.unreadCount}
                      <span className="visually-hidden">
                        {' '}
                        {t('messages.unread', { count: c.unreadCount })}
                      </span>
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
          <StartConversation existing={conversations.data?.items.map((c) => c.counterpart.id) ?? []} />
        </nav>
        {open && <Thread conversationId={open} />}
      </div>
    </Page>
  );
}

/** A client starts a conversation with one of their professionals. */
function StartConversation({ existing }: { existing: string[] }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [, navigate] = useLocation();
  const professionals = useQuery({
    queryKey: ['my-professionals'],
    enabled: me?.role === 'client',
    queryFn: async () => data(await api.GET('/api/caseload/me/professionals')).items,
  });
  const start = useMutation({
    mutationFn: async (professionalId: string) =>
      data(await api.POST('/api/messaging/conversations', { body: { professionalId } })),
    onSuccess: (c) => navigate(`/messages/${c.id}`),
  });
  const candidates = (professionals.data ?? []).filter((p) => !existing.includes(p.id));
  if (candidates.length === 0) return null;
  return (
    <div className="actions">
      <Problem error={start.error} />
      {candidates.map((p) => (
        <Button key={p.id} variant="secondary" onPress={() => start.mutate(p.id)}>
          {t('messages.startWith', { name: p.displayName ?? t('messages.someone') })}
        </Button>
      ))}
    </div>
  );
}

export function Thread({ conversationId }: { conversationId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const conversation = useQuery({
    queryKey: ['conversation', conversationId],
    queryFn: async () =>
      data(
        await api.GET('/api/messaging/conversations/{conversationId}', {
          params: { path: { conversationId } },
        }),
      ),
  });
  const messages = useQuery({
    queryKey: ['messages', conversationId],
    queryFn: async () =>
      data(
        await api.GET('/api/messaging/conversations/{conversationId}/messages', {
          params: { path: { conversationId }, query: { limit: 50 } },
        }),
      ),
  });
  const items = [...(messages.data?.items ?? [])].sort((a, b) => a.sentAt.localeCompare(b.sentAt));
  const newest = items[items.length - 1];
  const lastRead = useRef<string | null>(null);
  useEffect(() => {
    if (!newest || newest.mine || lastRead.current === newest.id) return;
    lastRead.current = newest.id;
    void api
      .POST('/api/messaging/conversations/{conversationId}/read', {
        params: { path: { conversationId } },
        body: { upToMessageId: newest.id },
      })
      .then(() => {
        void queryClient.invalidateQueries({ queryKey: ['unread'] });
        void queryClient.invalidateQueries({ queryKey: ['conversations'] });
      });
  }, [newest, conversationId, queryClient]);
  const send = useMutation({
    mutationFn: async (body: string) =>
      data(
        await api.POST('/api/messaging/conversations/{conversationId}/messages', {
          params: { path: { conversationId } },
          body: { id: crypto.randomUUID(), body },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['messages', conversationId] }),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const body = String(new FormData(form).get('body') ?? '').trim();
    if (body) send.mutate(body, { onSuccess: () => form.reset() });
  };
  const name = conversation.data?.counterpart.displayName ?? t('messages.someone');
  return (
    <section className="thread" aria-labelledby="thread-heading">
      <h2 id="thread-heading">{t('messages.with', { name })}</h2>
      <Problem error={messages.error ?? conversation.error} />
      <ol className="message-list" aria-live="polite" aria-relevant="additions">
        {items.map((m) => (
          <li key={m.id} className={m.mine ? 'message mine' : 'message'}>
            <p className="message-body">{m.body}</p>
            <p className="muted message-meta">
              {m.mine ? t('messages.you') : name} · {formatDateTime(m.sentAt, i18n.language)}
              {m.mine && m.readByCounterpart ? ` · ${t('messages.read')}` : ''}
            </p>
          </li>
        ))}
      </ol>
      {conversation.data?.canWrite !== false && (
        <Form className="form" onSubmit={submit} validationErrors={fieldErrors(send.error)}>
          <Problem error={send.error} />
          <Field name="body" label={t('messages.write')} multiline isRequired maxLength={10000} />
          <Button type="submit" isDisabled={send.isPending}>
            {t('messages.send')}
          </Button>
        </Form>
      )}
    </section>
  );
}
