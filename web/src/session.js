// Who is logged in: the user of GET /api/v1/session with their role grants.
import { reactive, watch } from 'vue'
import { get, post, del, setCredentials, onUnauthorized, ApiError } from './api.js'

export const session = reactive({ user: null, loaded: false })

// An expired or ended session: forget it; the pages then ask to log in again.
onUnauthorized(() => {
  setCredentials({ token: null, csrf: null })
  session.user = null
  session.loaded = true
})

let loading = null

// Loads the session once (a reloaded page is still logged in by its cookie).
export function ensureSession(force = false) {
  if (session.loaded && !force) return Promise.resolve(session.user)
  if (!loading) {
    loading = get('/session')
      .then((s) => {
        setCredentials({ csrf: s.csrf_token })
        session.user = s.user
      })
      .catch((e) => {
        if (!(e instanceof ApiError) || e.status !== 401) throw e
        session.user = null
      })
      .finally(() => {
        session.loaded = true
        loading = null
      })
      .then(() => session.user)
  }
  return loading
}

// For pages behind a login: the user, or null after sending the browser to /login and back.
export async function requireUser(router, route) {
  const user = await ensureSession()
  if (!user) router.replace({ path: '/login', query: { next: route.fullPath } })
  return user
}

// Once a page behind a login is ready, a session that ends (logged out, expired) sends the
// browser back to the login, and here again afterwards.
export function watchLogout(router, route, ready) {
  watch(
    () => session.user,
    (u) => {
      if (!u && ready.value) router.replace({ path: '/login', query: { next: route.fullPath } })
    },
  )
}

export async function login(username, password) {
  const s = await post('/session', { username, password })
  setCredentials({ token: s.token, csrf: s.csrf_token })
  session.user = s.user
  session.loaded = true
  return s.user
}

export async function logout() {
  try {
    await del('/session')
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
  }
  setCredentials({ token: null, csrf: null })
  session.user = null
  session.loaded = true
}

export function roles() {
  return session.user ? [...new Set(session.user.grants.map((g) => g.role))] : []
}

export function hasRole(...wanted) {
  return roles().some((r) => wanted.includes(r))
}

// Where a user starts after logging in.
export function homeOf(user) {
  const rs = user ? user.grants.map((g) => g.role) : []
  if (rs.some((r) => ['admin', 'secretary', 'worker'].includes(r))) return '/console'
  if (rs.some((r) => ['street_supervisor', 'evaluator'].includes(r))) return '/dashboard'
  if (rs.includes('resident')) return '/m/mine'
  return '/public'
}
