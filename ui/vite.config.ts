import { defineConfig } from 'vitest/config'

// Two pages: the app (index.html) and the same app on an in-memory backend (mock.html),
// which the browser tests drive.
// The in-memory backend is built only in test mode (`vite build --mode test`, into
// dist-test): the app the desktop shell embeds never contains it.
export default defineConfig(({ mode }) => ({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'es2021',
    outDir: mode === 'test' ? 'dist-test' : 'dist',
    rollupOptions: {
      input: mode === 'test'
        ? { index: new URL('./index.html', import.meta.url).pathname, mock: new URL('./mock.html', import.meta.url).pathname }
        : { index: new URL('./index.html', import.meta.url).pathname }
    }
  },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'] }
}))
