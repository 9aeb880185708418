// What a session may do, derived from its grants (role, area) and the role table of
// docs/openapi.yaml. The server decides in the end; this only hides what would be refused.
import { isWithin, communityOf } from './areas.js'

// The need state machine: every edge with the roles that may take it through
// POST /api/v1/needs/{id}/transitions. `own` marks edges open to other roles under a
// condition the server checks (a provider's own claim, the resident's own need).
export const NEED_EDGES = [
  { from: 'submitted', to: 'accepted', roles: ['worker', 'secretary'] },
  { from: 'submitted', to: 'rejected', roles: ['worker', 'secretary'] },
  { from: 'submitted', to: 'merged', roles: ['worker', 'secretary'] },
  { from: 'accepted', to: 'rejected', roles: ['worker', 'secretary'] },
  { from: 'accepted', to: 'merged', roles: ['worker', 'secretary'] },
  { from: 'accepted', to: 'wish_open', roles: ['secretary'] },
  { from: 'wish_open', to: 'accepted', roles: ['secretary'] },
  { from: 'wish_open', to: 'claimed', roles: ['worker', 'secretary'], own: ['provider', 'volunteer'] },
  { from: 'claimed', to: 'wish_open', roles: ['worker', 'secretary'], own: ['provider', 'volunteer'] },
  { from: 'claimed', to: 'fulfilled', roles: ['worker', 'secretary'], own: ['provider', 'volunteer'] },
  { from: 'fulfilled', to: 'confirmed', roles: [], own: ['resident', 'worker', 'secretary'] },
]

export const NEED_STATUSES = [
  'submitted', 'accepted', 'rejected', 'merged', 'wish_open', 'claimed', 'fulfilled', 'confirmed', 'in_project',
]

// How a need's state is coloured (Element Plus tag types; Vant calls "info" "default").
export function statusTone(status) {
  if (status === 'confirmed' || status === 'fulfilled') return 'success'
  if (status === 'rejected') return 'danger'
  if (status === 'submitted') return 'warning'
  if (status === 'merged') return 'info'
  return 'primary'
}

// Does one of the user's grants with one of these roles cover the area?
export function grantCovers(user, tree, areaId, wanted) {
  if (!user || !tree) return false
  return user.grants.some((g) => {
    if (!wanted.includes(g.role)) return false
    if (g.role === 'admin') return true
    if (g.role === 'resident') {
      const c = communityOf(tree, g.area_id)
      return c ? isWithin(tree, areaId, c.id) : isWithin(tree, areaId, g.area_id)
    }
    return isWithin(tree, areaId, g.area_id)
  })
}

// The states a worker-side user may move this need to (edges without conditions only).
export function needTransitions(user, tree, need) {
  return NEED_EDGES.filter(
    (e) => e.from === need.status && e.roles.length && grantCovers(user, tree, need.area_id, e.roles),
  ).map((e) => e.to)
}

// Roles that may read the supervision figures (GET /api/v1/stats).
export const STATS_ROLES = ['admin', 'street_supervisor', 'secretary', 'worker', 'evaluator']
// Roles that work in the console in this release.
export const CONSOLE_ROLES = ['admin', 'secretary', 'worker', 'street_supervisor', 'evaluator']
