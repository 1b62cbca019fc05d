import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
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
import type { paths } from '../../api/schema';
import { Button, Field } from '../../ui/fields';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { useOrganisationClients } from '../retention/client-record';

type Query = NonNullable<paths['/api/audit/records']['get']['parameters']['query']>;
type Action = NonNullable<Query['action']>;

/** audit's records (GET /api/audit/records; the route documents no answer schema). */
interface AuditRecord {
  position: number;
  occurredAt: string;
  action: string;
  outcome: string;
  actorId: string | null;
  actorRole: string | null;
  subjectId: string | null;
  objectType: string | null;
  sourceService: string;
}

const ACTIONS: Action[] = [
  'auth.login',
  'caseload.read',
  'content.read',
  'content.share_open',
  'messaging.read',
  'user.deactivate',
  'staff_access.act',
  'audit.read',
  'retention.request',
  'retention.approve',
  'retention.export_download',
];
const PAGE = 25;
const ALL = '*';

/**
 * The organisation's audit log (NEN 7513): by client, action and period, a page at a time. Reading it
 * is itself audited (audit.read).
 */
export function AuditLogScreen() {
  const { t, i18n } = useTranslation();
  const clients = useOrganisationClients();
  const [filter, setFilter] = useState<Query>({ limit: PAGE, offset: 0 });
  const [clientId, setClientId] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const records = useQuery({
    queryKey: ['audit-records', filter],
    queryFn: async () =>
      data(await api.GET('/api/audit/records', { params: { query: filter } })) as unknown as {
        items: AuditRecord[];
      },
  });
  const names = new Map((clients.data ?? []).map((c) => [c.id, c.displayName ?? t('users.unnamed')]));
  const who = (id: string | null) => (id ? (names.get(id) ?? id.slice(0, 8)) : '—');
  const items = records.data?.items ?? [];
  const offset = filter.offset ?? 0;
  return (
    <Page title={t('auditLog.title')}>
      <p>{t('auditLog.intro')}</p>
      <Form
        className="form card"
        aria-label={t('auditLog.filter')}
        onSubmit={(e) => {
          e.preventDefault();
          const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
          setFilter({
            limit: PAGE,
            offset: 0,
            ...(clientId ? { clientId } : {}),
            ...(action ? { action: action as Action } : {}),
            // Whole days in the browser's time zone.
            ...(f.from ? { from: new Date(`${f.from}T00:00:00`).toISOString() } : {}),
            ...(f.to ? { to: new Date(`${f.to}T23:59:59.999`).toISOString() } : {}),
          });
        }}
      >
        <Picker
          label={t('retention.client')}
          value={clientId}
          onChange={setClientId}
          items={(clients.data ?? []).map((c) => ({ id: c.id, name: c.displayName ?? t('users.unnamed') }))}
        />
        <Picker
          label={t('auditLog.action')}
          value={action}
          onChange={setAction}
          items={ACTIONS.map((a) => ({ id: a, name: t(`audit.${a}`, { defaultValue: a }) }))}
        />
        <Field name="from" type="date" label={t('auditLog.from')} />
        <Field name="to" type="date" label={t('auditLog.to')} />
        <Button type="submit">{t('auditLog.search')}</Button>
      </Form>
      <Problem error={records.error} />
      {records.isPending && <Loading />}
      {records.isSuccess && items.length === 0 && <p>{t('auditLog.none')}</p>}
      {items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">{t('auditLog.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('trend.when')}</th>
              <th scope="col">{t('auditLog.action')}</th>
              <th scope="col">{t('auditLog.actor')}</th>
              <th scope="col">{t('retention.client')}</th>
              <th scope="col">{t('auditLog.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.position}>
                <td>{formatDateTime(r.occurredAt, i18n.language)}</td>
                <td>{t(`audit.${r.action}`, { defaultValue: r.action })}</td>
                <td>
                  {who(r.actorId)}
                  {r.actorRole ? ` (${t(`roles.${r.actorRole}`, { defaultValue: r.actorRole })})` : ''}
                </td>
                <td>{who(r.subjectId)}</td>
                <td>{t(`auditLog.outcomes.${r.outcome}`, { defaultValue: r.outcome })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <Button
          variant="secondary"
          isDisabled={offset === 0}
          onPress={() => setFilter({ ...filter, offset: Math.max(0, offset - PAGE) })}
        >
          {t('auditLog.previous')}
        </Button>
        <Button
          variant="secondary"
          isDisabled={items.length < PAGE}
          onPress={() => setFilter({ ...filter, offset: offset + PAGE })}
        >
          {t('auditLog.next')}
        </Button>
      </div>
    </Page>
  );
}

function Picker({
  label,
  value,
  onChange,
  items,
}: {
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
  items: { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const all = [{ id: ALL, name: t('auditLog.all') }, ...items];
  return (
    <Select
      className="field"
      selectedKey={value ?? ALL}
      onSelectionChange={(k) => onChange(k === null || k === ALL ? null : String(k))}
    >
      <Label>{label}</Label>
      <AriaButton className="button button-secondary select-button">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </AriaButton>
      <Popover className="popover">
        <ListBox className="listbox" items={all}>
          {(i) => (
            <ListBoxItem id={i.id} className="listbox-item" textValue={i.name}>
              {i.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
