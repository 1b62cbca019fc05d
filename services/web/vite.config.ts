import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Static files for the gateway (WEB_ROOT): hashed assets under assets/, one index.html, no inline
// script or style (the gateway's Content-Security-Policy allows neither), no source maps in the build.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
});
