import { useTranslation } from 'react-i18next';

/** Recovery codes, shown this once: the API never gives them again. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  return (
    <div className="recovery-codes">
      <p>{t('login.recoveryIntro')}</p>
      <ul className="codes" aria-label={t('login.recoveryTitle')}>
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
