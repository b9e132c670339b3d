import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const uiSource = fileURLToPath(new URL('../../packages/ui/src/', import.meta.url));
const reactDomCompat = fileURLToPath(new URL('./src/react-dom-compat.ts', import.meta.url));
const semiUiFile = /[\\/]@douyinfe[\\/]semi-ui[\\/]/;

/**
 * Semi 2.90's React 18 build imports APIs React 19 removed; its `react-dom` imports (only Semi's)
 * go to a module that adds them back. See src/react-dom-compat.ts.
 */
const semiOnReact19 = {
  name: 'kite:semi-on-react-19',
  enforce: 'pre' as const,
  resolveId(source: string, importer: string | undefined) {
    if (source === 'react-dom' && importer && semiUiFile.test(importer)) return reactDomCompat;
    return null;
  },
};

/** Where `npm run dev` forwards API and WebSocket calls: the Kite server (`npm start`). */
const apiTarget = process.env.KITE_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: webRoot,
  plugins: [semiOnReact19, react()],
  // The dev server pre-bundles Semi; the same redirect has to apply there.
  optimizeDeps: { rolldownOptions: { plugins: [semiOnReact19] } },
  resolve: {
    // packages/ui exports `./*` as `.ts` or `.tsx`; Vite takes only the first target of an exports
    // array, so resolve the UI package's subpaths to source files directly (extensions are tried).
    alias: [{ find: /^@kite\/ui\/(?!kite\.css$)(.+)$/, replacement: `${uiSource}$1` }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      onwarn(warning, defaultHandler) {
        // Semi's barrel re-exports its Markdown renderer (unified/mdx, empty `''` directives) and its
        // Lottie player (direct eval). Both are tree-shaken away; warnings about them are noise.
        const fromDependency = warning.id?.includes('node_modules') ?? false;
        if (fromDependency && (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'EVAL')) return;
        defaultHandler(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/ws': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
});
