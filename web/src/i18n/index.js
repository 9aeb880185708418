// vue-i18n: Simplified Chinese first, English second; the choice is kept in localStorage
// and `?lang=en` / `?lang=zh-CN` in any address switches it.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.js'
import en from './en.js'

export const LOCALES = ['zh-CN', 'en']

function saved() {
  try {
    const l = localStorage.getItem('xy.locale')
    return LOCALES.includes(l) ? l : null
  } catch {
    return null
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: saved() || 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function setLocale(l) {
  if (!LOCALES.includes(l)) return
  i18n.global.locale.value = l
  try {
    localStorage.setItem('xy.locale', l)
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}
