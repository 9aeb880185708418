// Vite build of the xinyuan web UI into web/dist, served by `xinyuan serve --web web/dist`.
// Everything is bundled: no CDN, no web fonts fetched at run time (see localAssetsOnly).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Vant's icon font lists a CDN copy after its inline woff2; drop every remote url() from
// CSS, and fail the build if a remote stylesheet, script or font is still referenced.
function localAssetsOnly() {
  const remote = /url\(\s*["']?(?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g
  return {
    name: 'xinyuan-local-assets-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.css($|\?)/.test(id) || !remote.test(code)) return null
      remote.lastIndex = 0
      return { code: code.replace(/,\s*url\(\s*["']?(?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g, ''), map: null }
    },
    generateBundle(_, bundle) {
      for (const [name, file] of Object.entries(bundle)) {
        const text = file.type === 'asset' ? String(file.source) : file.code
        if (/\.(css|html)$/.test(name)) {
          const m = text.match(/url\(\s*["']?(?:https?:)?\/\/[^)]*\)|<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?\/\//)
          if (m) this.error(`${name} refers to a remote asset: ${m[0].slice(0, 120)}`)
        }
      }
    },
  }
}

export default defineConfig({
  plugins: [vue(), localAssetsOnly()],
  define: {
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` beside `make run`: the API of the server on :8080
    proxy: { '/api': 'http://127.0.0.1:8080', '/open311': 'http://127.0.0.1:8080' },
  },
})
