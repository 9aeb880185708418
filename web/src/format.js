// Money in fen, rates as fractions, times as the server wrote them (its own UTC offset).
export function yuan(fen, locale) {
  if (fen === null || fen === undefined) return '—'
  const v = Number(fen) / 100
  return '¥' + v.toLocaleString(locale === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

export function percent(rate) {
  if (rate === null || rate === undefined) return '—'
  return (Math.round(rate * 10000) / 100).toFixed(2) + '%'
}

// "2026-11-29T08:47:47+08:00" → "2026-11-29 08:47": the server's local time, unconverted.
export function when(iso) {
  if (!iso) return '—'
  return String(iso).slice(0, 16).replace('T', ' ')
}

export function day(iso) {
  return iso ? String(iso).slice(0, 10) : '—'
}

export function count(n, locale) {
  if (n === null || n === undefined) return '—'
  return Number(n).toLocaleString(locale === 'en' ? 'en-US' : 'zh-CN')
}
