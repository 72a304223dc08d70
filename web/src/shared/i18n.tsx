import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ZH } from './zh';

/** English text is the key; the zh-CN dictionary translates it. {name} marks a value filled in. */
export type Lang = 'zh-CN' | 'en';
type Vars = Record<string, string | number>;

const STORAGE_KEY = 'omniloop.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function translate(lang: Lang, text: string, vars?: Vars): string {
  const template = lang === 'zh-CN' ? (ZH[text] ?? text) : text;
  return vars ? template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : template;
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(text: string, vars?: Vars): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo(() => ({ lang, setLang, t: (text: string, vars?: Vars) => translate(lang, text, vars) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export const useT = () => useI18n().t;
