// History-mode addresses (the server answers index.html for every non-API path):
//   /            the four faces        /login        log in
//   /public      公示栏 (?area=ID)      /m/submit     a resident's wish (?area=ID from the QR code)
//   /m/mine      my wishes             /console/...  the worker console
//   /dashboard   the supervisor's figures
// Each face is its own chunk, so a phone never loads the desktop component library.
import { createRouter, createWebHistory } from 'vue-router'
import { setLocale, LOCALES } from './i18n/index.js'

const routes = [
  { path: '/', component: () => import('./pages/Landing.vue'), meta: { title: 'landing.title' } },
  { path: '/login', component: () => import('./pages/Login.vue'), meta: { title: 'login.title' } },
  { path: '/public', component: () => import('./pages/public/PublicBoard.vue'), meta: { title: 'board.title' } },
  {
    path: '/m',
    component: () => import('./pages/m/MobileLayout.vue'),
    children: [
      { path: '', redirect: (to) => ({ path: '/m/submit', query: to.query }) },
      { path: 'submit', component: () => import('./pages/m/Submit.vue'), meta: { title: 'submit.title' } },
      { path: 'mine', component: () => import('./pages/m/Mine.vue'), meta: { title: 'mine.title' } },
    ],
  },
  {
    path: '/console',
    component: () => import('./pages/console/ConsoleLayout.vue'),
    children: [
      { path: '', redirect: '/console/needs' },
      { path: 'needs', component: () => import('./pages/console/NeedsInbox.vue'), meta: { title: 'inbox.title' } },
    ],
  },
  { path: '/dashboard', component: () => import('./pages/dashboard/Dashboard.vue'), meta: { title: 'dash.title' } },
  { path: '/:rest(.*)*', component: () => import('./pages/NotFound.vue'), meta: { title: 'notFound.title' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const l = to.query.lang
  if (typeof l === 'string' && LOCALES.includes(l)) setLocale(l)
})
