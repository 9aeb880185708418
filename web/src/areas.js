// The area tree and the categories, loaded once (both are public and small).
import { get } from './api.js'

let areasP = null
let categoriesP = null

export function loadAreas() {
  if (!areasP) {
    areasP = get('/areas').then((r) => {
      const byId = new Map(r.items.map((a) => [a.id, a]))
      return { items: r.items, byId }
    })
    areasP.catch(() => (areasP = null))
  }
  return areasP
}

export function loadCategories() {
  if (!categoriesP) {
    categoriesP = get('/categories').then((r) => r.items)
    categoriesP.catch(() => (categoriesP = null))
  }
  return categoriesP
}

// A category's name in the current language (its code when unknown).
export function categoryName(categories, code, locale) {
  const c = (categories || []).find((x) => x.code === code)
  return c ? (locale === 'en' ? c.name_en : c.name) : code
}

// A positive integer id from the address (?area=ID), else null.
export function idParam(v) {
  const n = Number(v)
  return Number.isInteger(n) && n > 0 ? n : null
}

// The area itself and its ancestors, root last.
export function ancestors(tree, id) {
  const out = []
  for (let a = tree.byId.get(id); a; a = a.parent_id ? tree.byId.get(a.parent_id) : null) out.push(a)
  return out
}

export function isWithin(tree, id, rootId) {
  return ancestors(tree, id).some((a) => a.id === rootId)
}

// The community an area belongs to (itself when it is one), or null above community level.
export function communityOf(tree, id) {
  return ancestors(tree, id).find((a) => a.kind === 'community') || null
}

export function childrenOf(tree, id) {
  return tree.items.filter((a) => a.parent_id === id)
}

// Every area of a kind inside the subtree of rootId (rootId null: everywhere), in tree order.
export function descendantsOfKind(tree, rootId, kind) {
  return tree.items.filter((a) => a.kind === kind && (rootId == null || isWithin(tree, a.id, rootId)))
}

// "牛市口街道 · 九眼桥社区": the street and the community of an area.
export function pathLabel(tree, id) {
  return ancestors(tree, id)
    .filter((a) => ['street', 'community', 'compound'].includes(a.kind))
    .reverse()
    .map((a) => a.name)
    .join(' · ')
}
