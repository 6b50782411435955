/**
 * The web app's build and dev server. `npm run web:dev` serves it with hot reload on
 * http://127.0.0.1:5173 — the origin a `camflow up --no-web` admits — against the running
 * local API (`CAMFLOW_API_URL`, default http://127.0.0.1:8080), given to the app as
 * `/config.json` exactly as `camflow up` and the AWS deploy do.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

function devConfigJson(): Plugin {
  return {
    name: 'camflow-dev-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ apiUrl: process.env.CAMFLOW_API_URL ?? 'http://127.0.0.1:8080' }));
      });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), devConfigJson()],
  // The Cognito library's Buffer (buffer@4) reads `global`, which browsers call `globalThis`.
  define: { global: 'globalThis' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1', port: Number(process.env.CAMFLOW_WEB_PORT ?? 5173), strictPort: true },
});
