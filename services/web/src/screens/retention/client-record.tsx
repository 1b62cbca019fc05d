import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  Button as AriaButton,
  Form,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';
import { api, data } from '../../api/client';
import { Button, Field } from '../../ui/fields';
import { formatDateTime } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

interface OrganisationClient {
  id: string;
  displayName: string | null;
}

/** The organisation's clients (names from caseload), for choosing one and naming a request's subject. */
export function useOrganisationClients() {
  return useQuery({
    queryKey: ['organisation-clients'],
    queryFn: async () =>
      data(
        await api.GET('/api/caseload/clients', {
          params: { query: { limit: 100, sort: 'name', order: 'asc' } },
        }),
      ).items as OrganisationClient[],
  });
}

/**
 * One client's record, for an org admin: the legal hold (placed with a reason, which only retention
 * keeps; it blocks every erasure) and asking for an export or erasure on the client's behalf (another
 * org admin approves it).
 */
export function ClientRecord({ clients }: { clients: OrganisationClient[] }) {
  const { t } = useTranslation();
  const [clientId, setClientId] = useState<string | null>(null);
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading">{t('retention.record')}</h2>
      <Select
        className="field"
        placeholder={t('retention.chooseClient')}
        selectedKey={clientId}
        onSelectionChange={(k) => setClientId(k === null ? null : String(k))}
      >
        <Label>{t('retention.client')}</Label>
        <AriaButton className="button button-secondary select-button">
          <SelectValue />
          <span aria-hidden="true"> ▾</span>
        </AriaButton>
        <Popover className="popover">
          <ListBox className="listbox" items={clients}>
            {(c) => (
              <ListBoxItem id={c.id} className="listbox-item" textValue={c.displayName ?? c.id}>
                {c.displayName ?? t('users.unnamed')}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </Select>
      {clientId && <Record key={clientId} clientId={clientId} />}
    </section>
  );
}

function Record({ clientId }: { clientId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const path = { params: { path: { clientId } } };
  const hold = useQuery({
    queryKey: ['legal-hold', clientId],
    queryFn: async () => data(await api.GET('/api/retention/clients/{clientId}/legal-hold', path)),
  });
  const change = useMutation({
    mutationFn: async (reason: string | null) =>
      reason === null
        ? data(await api.DELETE('/api/retention/clients/{clientId}/legal-hold', path))
        : data(await api.PUT('/api/retention/clients/{clientId}/legal-hold', { ...path, body: { reason } })),
    onSuccess: (view) => queryClient.setQueryData(['legal-hold', clientId], view),
  });
  const ask = useMutation({
    mutationFn: async (kind: 'export' | 'erasure') =>
      data(await api.POST('/api/retention/requests', { body: { kind, clientId } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['retention-requests'] }),
  });
  const h = hold.data;
  return (
    <div className="card">
      <h3>{t('retention.legalHold')}</h3>
      <Problem error={hold.error ?? change.error} />
      {h?.held ? (
        <>
          <p role="status">{t('retention.heldSince', { when: formatDateTime(h.placedAt, i18n.language) })}</p>
          <p>{h.reason}</p>
          <Button variant="secondary" isDisabled={change.isPending} onPress={() => change.mutate(null)}>
            {t('retention.liftHold')}
          </Button>
        </>
      ) : (
        h && (
          <Form
            className="form"
            validationErrors={fieldErrors(change.error)}
            onSubmit={(e) => {
              e.preventDefault();
              change.mutate(String(new FormData(e.currentTarget).get('reason') ?? ''));
            }}
          >
            <p>{t('retention.notHeld')}</p>
            <Field name="reason" label={t('retention.holdReason')} isRequired minLength={3} maxLength={500} />
            <Button type="submit" isDisabled={change.isPending}>
              {t('retention.placeHold')}
            </Button>
          </Form>
        )
      )}
      <h3>{t('retention.askFor')}</h3>
      <p>{t('retention.askIntro')}</p>
      <Problem error={ask.error} />
      {ask.isSuccess && (
        <p role="status" className="notice">
          {t('retention.asked')}
        </p>
      )}
      <div className="actions">
        <Button variant="secondary" isDisabled={ask.isPending} onPress={() => ask.mutate('export')}>
          {t('retention.askExport')}
        </Button>
        <Button variant="danger" isDisabled={ask.isPending} onPress={() => ask.mutate('erasure')}>
          {t('retention.askErasure')}
        </Button>
      </div>
    </div>
  );
}
