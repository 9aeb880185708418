// Browser tests of the xinyuan web UI (issue 8): Debian's Chromium, driven by playwright-core,
// against a real `xinyuan serve --web web/dist` on a temporary database loaded by `xinyuan demo`.
// axe-core checks every page for serious and critical violations. Screenshots of the faces go
// to build/screenshots (XINYUAN_SCREENSHOTS=docs/screenshots refreshes the committed ones).
//
//   node tests/browser/run.mjs [--bin build/san/xinyuan] [--web web/dist] [--only NAME]
//
// Prints "ok - NAME" / "not ok - NAME" per check and ends with "Browser: N passed, N failed".
// A missing Chromium, build or binary is a failure, not a skip.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const args = parseArgs(process.argv.slice(2))
const BIN = path.resolve(root, args.bin || process.env.XINYUAN_BIN || 'build/san/xinyuan')
const WEB = path.resolve(root, args.web || 'web/dist')
const CHROMIUM = process.env.XINYUAN_CHROMIUM || '/usr/bin/chromium'
const SHOTS = path.resolve(root, process.env.XINYUAN_SCREENSHOTS || 'build/screenshots')
const PASSWORD = process.env.XINYUAN_DEMO_PASSWORD || 'demo12345'
const ONLY = args.only || process.env.XINYUAN_BROWSER_ONLY || ''
const TIMEOUT = 30000

let passed = 0
let failed = 0

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)$/.exec(argv[i])
    if (m && i + 1 < argv.length) out[m[1]] = argv[++i]
  }
  return out
}

function report(ok, name, detail) {
  if (ok) passed++
  else failed++
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`)
  if (!ok && detail) console.log(String(detail).split('\n').map((l) => '    ' + l).join('\n'))
}

function finish(code) {
  console.log(`Browser: ${passed} passed, ${failed} failed`)
  process.exit(code ?? (failed ? 1 : 0))
}

// ---- preflight: everything the tests need must be there --------------------------------------
const missing = []
if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} is missing (apt-get install chromium; packages.txt lists it)`)
if (!existsSync(path.join(WEB, 'index.html'))) missing.push(`${WEB}/index.html is missing (make builds the web UI with npm)`)
if (!existsSync(BIN)) missing.push(`${BIN} is missing (make)`)
let chromium, axeSource
try {
  const req = createRequire(path.join(here, 'package.json'))
  chromium = req('playwright-core').chromium
  axeSource = req('axe-core').source
} catch (e) {
  missing.push(`tests/browser/node_modules: ${e.message.split('\n')[0]} (cd tests/browser && npm ci)`)
}
if (missing.length) {
  report(false, 'preflight', missing.join('\n'))
  finish(1)
}

// ---- the server ----------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'xy-browser-'))
const db = path.join(tmp, 'demo.db')
const env = { ...process.env, TZ: process.env.TZ || 'Asia/Shanghai', XINYUAN_DEMO_PASSWORD: PASSWORD }
const demo = spawnSync(BIN, ['demo', '--db', db], { env, encoding: 'utf8', timeout: 600000 })
if (demo.status !== 0) {
  report(false, 'xinyuan demo', `${demo.stdout}\n${demo.stderr}\n${demo.error || ''}`)
  finish(1)
}

const port = await freePort()
const BASE = `http://127.0.0.1:${port}`
let serverLog = ''
const server = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '4', '--web', WEB], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
})
server.stdout.on('data', (d) => (serverLog += d))
server.stderr.on('data', (d) => (serverLog += d))
const serverExit = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })))

async function waitUp() {
  const deadline = Date.now() + 60000
  while (Date.now() < deadline) {
    if (server.exitCode !== null) return false
    try {
      const r = await fetch(BASE + '/api/v1/health')
      if (r.ok) return true
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

if (!(await waitUp())) {
  report(false, 'xinyuan serve starts', serverLog)
  server.kill('SIGKILL')
  finish(1)
}

async function apiGet(p, token) {
  const r = await fetch(BASE + '/api/v1' + p, { headers: token ? { Authorization: 'Bearer ' + token } : {} })
  return { status: r.status, body: await r.json() }
}
async function apiLogin(username) {
  const r = await fetch(BASE + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${await r.text()}`)
  return (await r.json()).token
}
const areas = (await apiGet('/areas')).body.items
// The public board's route (GET /api/v1/public/board) may not be in every build yet: without
// it the board page must show the API's error instead (never a blank page).
const HAS_BOARD = /^GET \/api\/v1\/public\/board$/m.test(spawnSync(BIN, ['routes'], { encoding: 'utf8' }).stdout || '')
const areaByName = (name) => {
  const a = areas.find((x) => x.name === name)
  if (!a) throw new Error(`demo area ${name} not found`)
  return a
}

// ---- the browser ---------------------------------------------------------------------------
mkdirSync(SHOTS, { recursive: true })
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
})

const DESKTOP = { viewport: { width: 1366, height: 860 }, locale: 'zh-CN' }
const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }

// A fresh browser profile (no cookies) with one page; page errors, CSP refusals and
// console errors other than failed requests are collected and fail the test.
async function open(kind = DESKTOP) {
  const context = await browser.newContext({ ...kind, timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  page.problems = []
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message))
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const text = m.text()
    if (/^Failed to load resource/.test(text)) return // an API answer 4xx: shown in the page itself
    page.problems.push('console error: ' + text)
  })
  return { context, page }
}

// axe-core on the page as it is now: serious and critical violations fail. axe is evaluated
// through the DevTools protocol, so the page's own CSP (script-src 'self') stays in force.
async function axe(page, name) {
  try {
    await page.evaluate(axeSource)
    const res = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] })
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.split('\n').slice(1).join(' ') : '')),
      }))
    })
    const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    report(
      !bad.length,
      `axe: ${name}`,
      bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.join('\n  ')}`).join('\n'),
    )
  } catch (e) {
    report(false, `axe: ${name}`, e.stack || e.message)
  }
}

async function shot(page, file, opts = {}) {
  await page.evaluate(() => document.fonts && document.fonts.ready)
  await page.screenshot({ path: path.join(SHOTS, file), ...opts })
}

const tests = []
function test(name, fn) {
  tests.push({ name, fn })
}

// state handed from one test to the next
const wish = {
  text: '晶蓝半岛3栋单元门口的路灯坏了一个多月，晚上老人出门看不清台阶。',
  title: '晶蓝半岛3栋单元门口的路灯坏了一个多月',
  trackingNo: null,
}

async function loginDesktop(page, username, password = PASSWORD) {
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
}

// ---- the tests -----------------------------------------------------------------------------
test('landing page links the four faces', async () => {
  const { context, page } = await open()
  await page.goto(BASE + '/')
  await page.getByRole('heading', { level: 1 }).waitFor()
  for (const href of ['/m/submit', '/console', '/dashboard', '/public']) {
    if ((await page.locator(`main a[href="${href}"]`).count()) !== 1) throw new Error(`no link to ${href}`)
  }
  await axe(page, 'landing /')
  await shot(page, 'landing.png')
  // English switch, kept across pages
  await page.getByRole('button', { name: 'English' }).click()
  await page.getByRole('heading', { name: 'Every wish gets an answer' }).waitFor()
  if ((await page.getAttribute('html', 'lang')) !== 'en') throw new Error('html lang is not en after the switch')
  await page.goto(BASE + '/public')
  await page.getByRole('heading', { name: 'Community notice boards' }).waitFor()
  await page.getByRole('button', { name: '中文' }).click()
  await page.getByRole('heading', { name: '社区公示栏' }).waitFor()
  await context.close()
  return page.problems
})

test('server: API errors stay JSON, other paths get the UI', async () => {
  const api = await fetch(BASE + '/api/v1/no-such-thing')
  const body = await api.json()
  if (api.status !== 404 || !body.error) throw new Error(`GET /api/v1/no-such-thing: ${api.status} ${JSON.stringify(body)}`)
  const deep = await fetch(BASE + '/console/needs?status=submitted')
  const html = await deep.text()
  if (deep.status !== 200 || !html.includes('<div id="app">')) throw new Error(`deep link: ${deep.status}`)
  const asset = html.match(/\/assets\/index-[A-Za-z0-9_-]+\.js/)
  if (!asset) throw new Error('index.html names no hashed script')
  const a = await fetch(BASE + asset[0])
  if (!/immutable/.test(a.headers.get('cache-control') || '')) throw new Error('hashed assets are not cached as immutable')
  return []
})

test('a new resident registers from the QR link on a phone', async () => {
  const { context, page } = await open(PHONE)
  const compound = areaByName('晶蓝半岛小区')
  await page.goto(`${BASE}/m/submit?area=${compound.id}`)
  await page.getByRole('tab', { name: '注册' }).click()
  await page.getByLabel('称呼').fill('测试居民')
  await page.getByLabel('用户名').nth(1).fill('browser_resident')
  await page.getByLabel('密码').nth(1).fill('browser-pass-1')
  const areaField = page.locator('#m-reg-area')
  if (!(await areaField.inputValue()).includes('晶蓝半岛小区')) throw new Error('the QR compound is not preselected')
  await axe(page, '/m/submit (register)')
  await page.getByRole('button', { name: '注册并登录' }).click()
  await page.getByRole('group', { name: '这是哪方面的心愿？' }).waitFor()
  const me = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()))
  if (me.user.username !== 'browser_resident' || me.user.grants[0].area_id !== compound.id)
    throw new Error('registered user: ' + JSON.stringify(me.user))
  await context.close()
  return page.problems
})

test('a resident submits a wish on a 375×812 phone', async () => {
  const { context, page } = await open(PHONE)
  const compound = areaByName('晶蓝半岛小区')
  await page.goto(`${BASE}/m/submit?area=${compound.id}`)
  await page.getByRole('tab', { name: '登录' }).waitFor()
  await axe(page, '/m/submit (log in)')
  // an API error is shown as the API's message
  await page.locator('#m-login-username').fill('resident_zhang')
  await page.locator('#m-login-password').fill('wrong-password')
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByRole('alert').filter({ hasText: /password|密码/ }).waitFor()
  await page.locator('#m-login-password').fill(PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByRole('group', { name: '这是哪方面的心愿？' }).waitFor()
  if (!(await page.getByText('晶蓝半岛小区').first().isVisible())) throw new Error('the compound is not shown')
  // submitting without a category is refused in the page
  await page.getByRole('button', { name: '提交', exact: true }).click()
  await page.getByRole('alert').filter({ hasText: '请先选择类别' }).waitFor()
  await page.getByText('环境整治', { exact: true }).click()
  await page.getByLabel('用一句话说说你的心愿').fill(wish.text)
  await page.getByRole('alert').waitFor({ state: 'detached' }).catch(() => {})
  await axe(page, '/m/submit (form)')
  await shot(page, 'mobile-submit.png')
  await page.getByRole('button', { name: '提交', exact: true }).click()
  await page.getByRole('heading', { name: '心愿已提交' }).waitFor()
  wish.trackingNo = (await page.locator('.tracking').innerText()).trim()
  if (!/^XY\d{4}-\d{6}$/.test(wish.trackingNo)) throw new Error('tracking number ' + wish.trackingNo)
  await axe(page, '/m/submit (submitted)')
  // my wishes: the new one, submitted, with its history
  await page.getByRole('button', { name: '我的心愿' }).click()
  const item = page.locator('.wish', { hasText: wish.title })
  await item.waitFor()
  if (!(await item.innerText()).includes('已提交')) throw new Error('the new wish is not "已提交" in my wishes')
  await item.getByRole('button').first().click()
  await item.locator('.van-step').first().waitFor()
  await axe(page, '/m/mine')
  await context.close()
  return page.problems
})

test('a worker logs into the console and accepts the wish', async () => {
  if (!wish.trackingNo) throw new Error('no wish was submitted')
  const { context, page } = await open()
  await page.goto(BASE + '/console')
  await page.waitForURL(/\/login\?next=/)
  await axe(page, '/login')
  await loginDesktop(page, 'worker_jyq', 'not-the-password')
  await page.getByRole('alert').waitFor()
  await loginDesktop(page, 'worker_jyq')
  await page.waitForURL(/\/console\/needs/)
  await page.getByRole('heading', { name: '需求清单' }).waitFor()
  await page.locator('.el-table__row').first().waitFor()
  await axe(page, '/console/needs')
  // filter by status and search words: the wish is in the inbox
  await page.getByLabel('搜索').fill('单元门口的路灯')
  await page.getByRole('button', { name: '查询' }).click()
  await page.waitForURL(/q=/)
  const row = page.locator('.el-table__row', { hasText: wish.trackingNo })
  await row.waitFor()
  if ((await page.locator('.el-table__row').count()) !== 1) throw new Error('the search found more than the wish')
  await row.getByRole('button', { name: '受理', exact: true }).click()
  await row.getByText('已受理').waitFor()
  if ((await row.getByRole('button', { name: '受理', exact: true }).count()) !== 0) throw new Error('accept is still offered')
  // its detail drawer shows the history
  await row.getByRole('button', { name: wish.title }).click()
  await page.locator('.el-drawer').getByText('已受理').first().waitFor()
  await axe(page, '/console/needs (detail)')
  await page.keyboard.press('Escape')
  // decline another submitted need with a public reason
  await page.getByRole('button', { name: '重置' }).click()
  await page.locator('.el-form-item', { hasText: '状态' }).locator('.el-select__wrapper').click()
  await page.getByRole('option', { name: '已提交' }).click()
  await page.getByRole('button', { name: '查询' }).click()
  await page.waitForURL(/status=submitted/)
  const other = page.locator('.el-table__row').filter({ has: page.getByRole('button', { name: '不予受理' }) }).first()
  await other.waitFor()
  const otherNo = (await other.locator('td').first().innerText()).trim()
  await other.getByRole('button', { name: '不予受理' }).click()
  const dialog = page.getByRole('dialog', { name: '不予受理' })
  await dialog.waitFor()
  await dialog.getByRole('button', { name: '确认不予受理' }).click()
  await dialog.getByRole('alert').filter({ hasText: '请填写理由' }).waitFor()
  await axe(page, '/console/needs (decline dialog)')
  await dialog.getByLabel('理由（将在公示栏公开）').fill('经核实，该事项已纳入社区现有的上门服务，不再单独受理。')
  await dialog.getByRole('button', { name: '确认不予受理' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('.el-table__row', { hasText: otherNo }).waitFor({ state: 'detached' })
  // the full inbox for the screenshot
  await page.goto(BASE + '/console/needs')
  await page.locator('.el-table__row').first().waitFor()
  await page.locator('.el-loading-mask').waitFor({ state: 'hidden' })
  await shot(page, 'console.png')
  await context.close()
  return page.problems
})

test('the resident sees the status change', async () => {
  if (!wish.trackingNo) throw new Error('no wish was submitted')
  const { context, page } = await open(PHONE)
  await page.goto(BASE + '/m/mine')
  await page.locator('#m-login-username').fill('resident_zhang')
  await page.locator('#m-login-password').fill(PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  const item = page.locator('.wish', { hasText: wish.title })
  await item.waitFor()
  await item.getByText('已受理').waitFor()
  await item.getByRole('button').first().click()
  await item.locator('.van-step').nth(1).waitFor()
  await context.close()
  return page.problems
})

test('actions follow the grants: a street supervisor gets no triage buttons', async () => {
  const { context, page } = await open()
  await page.goto(BASE + '/login?next=/console/needs')
  // the keyboard alone logs in
  await page.getByLabel('用户名').focus()
  await page.keyboard.type('supervisor_nsk')
  await page.keyboard.press('Tab')
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/console\/needs/)
  await page.locator('.el-table__row').first().waitFor()
  const n = await page.getByRole('button', { name: /^(受理|不予受理)$/ }).count()
  if (n !== 0) throw new Error(`${n} triage buttons shown to a supervisor`)
  // the console in English
  await page.goto(BASE + '/console/needs?lang=en')
  await page.getByRole('heading', { name: 'Needs inbox' }).waitFor()
  await page.locator('.el-table__row').first().waitFor()
  await page.getByRole('columnheader', { name: 'Tracking no.' }).first().waitFor()
  await axe(page, '/console/needs (English)')
  // logging out ends the session on the server too
  await page.getByRole('button', { name: 'Log out' }).click()
  await page.waitForURL(/\/login/)
  const st = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status))
  if (st !== 401) throw new Error(`GET /api/v1/session after logging out: ${st}`)
  await context.close()
  return page.problems
})

const boardTest = HAS_BOARD
  ? 'the public board renders for a community without login'
  : 'the public board shows the API error: this server has no GET /api/v1/public/board'
test(boardTest, async () => {
  const { context, page } = await open()
  await page.goto(BASE + '/public')
  await page.getByRole('heading', { name: '社区公示栏' }).waitFor()
  await axe(page, '/public (chooser)')
  await page.getByRole('link', { name: '九眼桥社区' }).click()
  await page.waitForURL(/\/public\?area=\d+/)
  if (!HAS_BOARD) {
    await page.getByRole('alert').filter({ hasText: 'no such API path' }).waitFor()
    await context.close()
    return page.problems
  }
  await page.getByRole('heading', { level: 1, name: /九眼桥社区/ }).waitFor()
  for (const h of ['成效', '决策与理由', '服务项目', '资金收支', '需求清单']) {
    await page.getByRole('heading', { level: 2, name: new RegExp('^' + h) }).waitFor()
  }
  // the decline of the console test is public, with its reason
  await page.getByText('该事项已纳入社区现有的上门服务').first().waitFor()
  if (await page.getByText('13800001001').count()) throw new Error('a phone number is on the public board')
  await axe(page, '/public?area=… (board)')
  await shot(page, 'public-board.png')
  await page.emulateMedia({ media: 'print' })
  if (await page.getByRole('button', { name: '打印' }).isVisible()) throw new Error('the print button is printed')
  await page.emulateMedia({ media: 'screen' })
  await context.close()
  return page.problems
})

test('the dashboard renders its chart', async () => {
  const { context, page } = await open()
  await page.goto(BASE + '/dashboard')
  await page.waitForURL(/\/login/)
  await loginDesktop(page, 'supervisor_nsk')
  await page.waitForURL(/\/dashboard/)
  await page.getByRole('heading', { name: /牛市口街道/ }).waitFor()
  const canvas = page.locator('.chart canvas')
  await canvas.waitFor()
  const size = await canvas.evaluate((c) => ({ w: c.width, h: c.height }))
  if (size.w < 100 || size.h < 100) throw new Error('chart canvas ' + JSON.stringify(size))
  const rows = await page.locator('table.figures tbody tr').count()
  if (rows < 2) throw new Error(`${rows} communities in the table`)
  // the figures are the API's
  const token = await apiLogin('supervisor_nsk')
  const street = areaByName('牛市口街道')
  const st = (await apiGet(`/stats?area_id=${street.id}`, token)).body // all years, the default
  const needsKpi = await page.locator('.kpi', { hasText: '需求数' }).locator('dd').innerText()
  if (Number(needsKpi.replace(/,/g, '')) !== st.needs) throw new Error(`needs ${needsKpi} on the page, ${st.needs} from the API`)
  await page.waitForTimeout(600) // the bars grow in
  await axe(page, '/dashboard')
  await shot(page, 'dashboard.png')
  await context.close()
  return page.problems
})

// ---- run -----------------------------------------------------------------------------------
for (const t of tests) {
  if (ONLY && !t.name.includes(ONLY)) continue
  const started = Date.now()
  try {
    const problems = (await t.fn()) || []
    report(!problems.length, `${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`, problems.join('\n'))
  } catch (e) {
    report(false, t.name, e.stack || e.message)
  }
}

await browser.close()
server.kill('SIGTERM')
const ex = await Promise.race([serverExit, new Promise((r) => setTimeout(() => r({ code: 'timeout' }), 30000))])
const sanitizer = /ERROR: AddressSanitizer|runtime error:|LeakSanitizer/.test(serverLog)
report(ex.code === 0 && !sanitizer, 'the server exits cleanly on SIGTERM', `exit ${JSON.stringify(ex)}\n${serverLog.split('\n').filter((l) => !/"(GET|POST|DELETE|HEAD) /.test(l)).join('\n')}`)
if (ex.code === 'timeout') server.kill('SIGKILL')
if (!failed) rmSync(tmp, { recursive: true, force: true })
else {
  writeFileSync(path.join(tmp, 'server.log'), serverLog)
  console.log(`  (database and server.log kept in ${tmp})`)
}
console.log(`  screenshots in ${path.relative(root, SHOTS) || SHOTS}`)
finish()
