import { Suspense, lazy, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { SessionProvider, useSession, type Role } from './session';
import { Loading } from './ui/page';
import { LanguageSwitch } from './ui/language-switch';
import { IdleWarning } from './ui/idle-warning';
import { SignOutButton } from './ui/sign-out';
import { UnreadBadge } from './screens/messages/unread-badge';
import { PrivacyGate } from './screens/auth/privacy-gate';
import { LoginScreen } from './screens/auth/login';
import { ActivateScreen } from './screens/auth/activate';
import { ResetPasswordScreen } from './screens/auth/reset-password';
import { AccountScreen } from './screens/auth/account';
import { ClientHome } from './screens/client/home';

// Screens of one role (and the chart library) load when first opened: a client's phone does not
// download the professional's and the admin's screens.
const SharedReportScreen = lazy(() =>
  import('./screens/client/shared-report').then((m) => ({ default: m.SharedReportScreen })),
);
const ToolScreen = lazy(() => import('./screens/client/tool').then((m) => ({ default: m.ToolScreen })));
const ShareScreen = lazy(() => import('./screens/client/share').then((m) => ({ default: m.ShareScreen })));
const ContactHistoryScreen = lazy(() =>
  import('./screens/client/contact-history').then((m) => ({ default: m.ContactHistoryScreen })),
);
const MessagesScreen = lazy(() =>
  import('./screens/messages/messages').then((m) => ({ default: m.MessagesScreen })),
);
const CaseloadScreen = lazy(() =>
  import('./screens/professional/caseload').then((m) => ({ default: m.CaseloadScreen })),
);
const ClientScreen = lazy(() =>
  import('./screens/professional/client').then((m) => ({ default: m.ClientScreen })),
);
const InviteScreen = lazy(() =>
  import('./screens/professional/invite').then((m) => ({ default: m.InviteScreen })),
);
const UsersScreen = lazy(() => import('./screens/admin/users').then((m) => ({ default: m.UsersScreen })));
const PrivacyStatementsScreen = lazy(() =>
  import('./screens/admin/privacy-statements').then((m) => ({ default: m.PrivacyStatementsScreen })),
);
const SecurityPolicyScreen = lazy(() =>
  import('./screens/admin/security-policy').then((m) => ({ default: m.SecurityPolicyScreen })),
);
const MyDataScreen = lazy(() =>
  import('./screens/retention/my-data').then((m) => ({ default: m.MyDataScreen })),
);
const RetentionScreen = lazy(() =>
  import('./screens/retention/admin-retention').then((m) => ({ default: m.RetentionScreen })),
);
const SsoSettingsScreen = lazy(() =>
  import('./screens/admin/sso-settings').then((m) => ({ default: m.SsoSettingsScreen })),
);
const UsageScreen = lazy(() => import('./screens/admin/usage').then((m) => ({ default: m.UsageScreen })));
const AuditLogScreen = lazy(() =>
  import('./screens/admin/audit-log').then((m) => ({ default: m.AuditLogScreen })),
);
const StaffAccessScreen = lazy(() =>
  import('./screens/admin/staff-access').then((m) => ({ default: m.StaffAccessScreen })),
);

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

/** Pages anyone may open, signed in or not (links from mails, a shared report). */
function PublicRoutes({ fallback }: { fallback: ReactNode }) {
  return (
    <Switch>
      <Route path="/activate" component={ActivateScreen} />
      <Route path="/reset-password" component={ResetPasswordScreen} />
      <Route path="/shared" component={SharedReportScreen} />
      <Route>{fallback}</Route>
    </Switch>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { me, loading } = useSession();
  const [location] = useLocation();
  const signedIn = !!me;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          {t('app.name')}
        </Link>
        {signedIn && <MainNav role={me.role} />}
        <div className="header-tools">
          <LanguageSwitch />
          {signedIn && <SignOutButton />}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {loading ? (
            <Loading />
          ) : (
            <PublicRoutes
              fallback={
                signedIn ? (
                  <PrivacyGate>
                    <SignedInRoutes role={me.role} />
                  </PrivacyGate>
                ) : location === '/login' ? (
                  <LoginScreen />
                ) : (
                  <Redirect to="/login" replace />
                )
              }
            />
          )}
        </Suspense>
      </main>
      {signedIn && <IdleWarning />}
      <footer className="app-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}

const NAV: Record<Role, { href: string; key: string }[]> = {
  client: [
    { href: '/', key: 'nav.home' },
    { href: '/messages', key: 'nav.messages' },
    { href: '/share', key: 'nav.share' },
    { href: '/contact-history', key: 'nav.history' },
    { href: '/my-data', key: 'nav.myData' },
    { href: '/account', key: 'nav.account' },
  ],
  professional: [
    { href: '/', key: 'nav.caseload' },
    { href: '/invite', key: 'nav.invite' },
    { href: '/messages', key: 'nav.messages' },
    { href: '/account', key: 'nav.account' },
  ],
  org_admin: [
    { href: '/', key: 'nav.users' },
    { href: '/admin/privacy', key: 'nav.privacy' },
    { href: '/admin/security', key: 'nav.security' },
    { href: '/admin/staff-access', key: 'nav.staffAccess' },
    { href: '/admin/retention', key: 'nav.retention' },
    { href: '/admin/sso', key: 'nav.sso' },
    { href: '/admin/usage', key: 'nav.usage' },
    { href: '/admin/audit', key: 'nav.audit' },
    { href: '/account', key: 'nav.account' },
  ],
  platform_staff: [{ href: '/account', key: 'nav.account' }],
};

function MainNav({ role }: { role: Role }) {
  const { t } = useTranslation();
  const [location] = useLocation();
  return (
    <nav aria-label={t('nav.label')} className="main-nav">
      <ul>
        {NAV[role].map((item) => {
          const current = item.href === '/' ? location === '/' : location.startsWith(item.href);
          return (
            <li key={item.href}>
              <Link href={item.href} aria-current={current ? 'page' : undefined}>
                {t(item.key)}
                {item.href === '/messages' && <UnreadBadge />}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function SignedInRoutes({ role }: { role: Role }) {
  const home =
    role === 'client'
      ? ClientHome
      : role === 'professional'
        ? CaseloadScreen
        : role === 'org_admin'
          ? UsersScreen
          : AccountScreen;
  return (
    <Switch>
      <Route path="/login">
        <Redirect to="/" replace />
      </Route>
      <Route path="/" component={home} />
      <Route path="/account" component={AccountScreen} />
      <Route path="/account/security" component={AccountScreen} />
      <Route path="/messages" component={MessagesScreen} />
      <Route path="/messages/:conversationId" component={MessagesScreen} />
      {role === 'client' && <Route path="/tools/:assignmentId" component={ToolScreen} />}
      {role === 'client' && <Route path="/share" component={ShareScreen} />}
      {role === 'client' && <Route path="/contact-history" component={ContactHistoryScreen} />}
      {role === 'client' && <Route path="/my-data" component={MyDataScreen} />}
      {role === 'professional' && <Route path="/clients/:clientId" component={ClientScreen} />}
      {role !== 'client' && <Route path="/invite" component={InviteScreen} />}
      {role === 'org_admin' && <Route path="/admin/privacy" component={PrivacyStatementsScreen} />}
      {role === 'org_admin' && <Route path="/admin/security" component={SecurityPolicyScreen} />}
      {role === 'org_admin' && <Route path="/admin/staff-access" component={StaffAccessScreen} />}
      {role === 'org_admin' && <Route path="/admin/retention" component={RetentionScreen} />}
      {role === 'org_admin' && <Route path="/admin/sso" component={SsoSettingsScreen} />}
      {role === 'org_admin' && <Route path="/admin/usage" component={UsageScreen} />}
      {role === 'org_admin' && <Route path="/admin/audit" component={AuditLogScreen} />}
      <Route component={NotFound} />
    </Switch>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('common.notFound')}</h1>
      <Link href="/">{t('nav.home')}</Link>
    </section>
  );
}
