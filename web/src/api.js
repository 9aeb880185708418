// The one door to the xinyuan HTTP API (docs/openapi.yaml).
//
// After a login the bearer token is kept in memory only (never in localStorage); on a page
// that was reloaded the HttpOnly cookie `xy_session` carries the session instead, and every
// write then sends the X-CSRF-Token that GET /api/v1/session returned.
const creds = { token: null, csrf: null }

export function setCredentials({ token, csrf }) {
  if (token !== undefined) creds.token = token
  if (csrf !== undefined) creds.csrf = csrf
}

// Called when the server says the session is gone (401 on anything but the session itself).
let unauthorized = () => {}
export function onUnauthorized(fn) {
  unauthorized = fn
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || null
  }
}

function queryString(query) {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s ? '?' + s : ''
}

export async function api(method, path, { query, body } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (creds.token) headers.Authorization = 'Bearer ' + creds.token
  if (method !== 'GET' && method !== 'HEAD' && creds.csrf) headers['X-CSRF-Token'] = creds.csrf
  let resp
  try {
    resp = await fetch('/api/v1' + path + queryString(query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch (e) {
    throw new ApiError(0, 'network', e && e.message ? e.message : 'network error')
  }
  if (resp.status === 204) return null
  const type = resp.headers.get('Content-Type') || ''
  const data = type.includes('application/json') ? await resp.json().catch(() => null) : null
  if (resp.status === 401 && path !== '/session') unauthorized()
  if (!resp.ok) {
    const err = data && data.error
    throw new ApiError(
      resp.status,
      err ? err.code : 'http_' + resp.status,
      err ? err.message : `${resp.status} ${resp.statusText}`,
      err && err.field,
    )
  }
  return data
}

export const get = (path, query) => api('GET', path, { query })
export const post = (path, body) => api('POST', path, { body: body === undefined ? {} : body })
export const del = (path) => api('DELETE', path)
