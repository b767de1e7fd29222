// `mp serve` (the REST API) and `mp serve token` (its API tokens).
import type { Command } from 'commander';
import { run } from './action.js';

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('the REST API (/api/v1, /api/payouts, /openapi.json, /docs, /metrics, /healthz) until SIGINT/SIGTERM')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; another address warns unless --tls-proxy)')
    .option('--port <port>', 'port (default 8080; 0 picks a free one)')
    .option('--allowed-host <names>', 'host names clients may use in the Host header, comma-separated (env MP_SERVE_HOSTS)')
    .option('--allowed-origin <origins>', 'browser origins allowed to call the API, comma-separated (env MP_SERVE_ORIGINS)')
    .option('--tls-proxy', 'TLS is terminated by a reverse proxy in front (no warning for a public --host)')
    .option('--worker', 'also process payouts in this process (the way to run both on the embedded database)')
    .action(run(async () => (await import('../commands/serve/serve.js')).serve));
  const token = serve.command('token').description('API tokens: every request but /healthz needs one (Authorization: Bearer …)');
  token
    .command('create')
    .description('create a token for the current user (MP_USER); it is printed once, never again')
    .option('--name <name>', 'what the token is for (unique among your live tokens)')
    .option('--scope <scope...>', 'read (GET, /metrics), write (changes; includes read), payouts (/api/payouts); default read')
    .option('--rate <n>', 'requests per second this token may make, burst twice that (default MP_SERVE_TOKEN_RATE, 50)')
    .action(run(async () => (await import('../commands/serve/token.js')).tokenCreate));
  token
    .command('list')
    .description("the current user's tokens (never the token itself: its prefix)")
    .option('--all', 'revoked tokens too')
    .action(run(async () => (await import('../commands/serve/token.js')).tokenList));
  token
    .command('revoke <token>')
    .description('revoke a token by id, name or prefix (the server stops accepting it within 5 seconds)')
    .action(run(async () => (await import('../commands/serve/token.js')).tokenRevoke));
}
