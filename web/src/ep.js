// Element Plus for the desktop faces (console, dashboard, login): its stylesheet and locales.
import 'element-plus/dist/index.css'
import { computed } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import en from 'element-plus/es/locale/lang/en.mjs'
import { i18n } from './i18n/index.js'

export const epLocale = computed(() => (i18n.global.locale.value === 'en' ? en : zhCn))
