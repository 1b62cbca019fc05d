import { useTranslation } from 'react-i18next';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { LANGUAGES } from '../i18n';

const NAMES: Record<(typeof LANGUAGES)[number], string> = { en: 'English', nl: 'Nederlands', de: 'Deutsch' };

/** The language of the app (each language named in itself); the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = (i18n.resolvedLanguage ?? 'en') as (typeof LANGUAGES)[number];
  return (
    <Select
      className="language-switch"
      selectedKey={current}
      onSelectionChange={(key) => void i18n.changeLanguage(String(key))}
    >
      <Label className="visually-hidden">{t('nav.language')}</Label>
      <Button className="button button-secondary select-button">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox">
          {LANGUAGES.map((lng) => (
            <ListBoxItem key={lng} id={lng} lang={lng} className="listbox-item">
              {NAMES[lng]}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}
