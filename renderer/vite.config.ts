// Builds the renderer into out/renderer for both the Electron app (app:// protocol) and the
// browser bridge. The output must run under the strict CSP (electron/main/security/csp.ts,
// repeated in index.html as a <meta>): no inline scripts or styles, no eval. So CSS is
// extracted to files, and the module-preload polyfill (which Vite would otherwise add to
// the entry) is off: Chromium supports modulepreload natively.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  // This folder, wherever Vite is started from; outDir below is relative to it.
  root: import.meta.dirname,
  base: './',
  plugins: [vue()],
  define: {
    // vue-i18n's esm-bundler build otherwise sets these on globalThis at start-up.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
  },
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    // Never turn assets into data: URLs or inline them into the HTML.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
