import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import nl from './locales/nl.json';
import de from './locales/de.json';

export const LANGUAGES = ['en', 'nl', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * All text comes from the translation files. The language is the browser's (navigator.languages)
 * until the person chooses one; the choice is kept in localStorage (no cookie).
 */
void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, nl: { translation: nl }, de: { translation: de } },
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: 'therapy-room.language',
      caches: ['localStorage'],
    },
  });

const setHtmlLang = (lng: string) => document.documentElement.setAttribute('lang', lng.slice(0, 2));
setHtmlLang(i18n.resolvedLanguage ?? 'en');
i18n.on('languageChanged', setHtmlLang);

export default i18n;
