// bench/imap.sh helper: prepares a Postern data directory for the IMAP benchmark — a config with an
// IMAP listener on the given port and connection limits raised for 10,000 IDLE sessions, a
// self-signed certificate, the bench account. The account's argon2id hash uses light parameters
// so that 10,000 logins measure IMAP, not password hashing. [auth] declares the same parameters:
// otherwise rehash_on_login would replace the light hash with a default-cost one (19 MiB, 2 passes)
// at the first login, and every later login would spend ~20 ms of CPU and 19 MiB in argon2.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfigText } from '../src/config/index.ts';
import { silentLogger } from '../src/observe/index.ts';
import { hashPassword } from '../src/sasl/index.ts';
import { closeContext, openContext } from '../src/server.ts';
import { createSelfSigned } from '../src/tls/index.ts';

const [dataDir, port, user, pass] = process.argv.slice(2);
if (!dataDir || !port || !user || !pass) throw new Error('usage: imap-setup.ts DATA_DIR PORT USER PASS');
const toml = `hostname = "bench.example.test"
log_level = "warn"

[auth]
argon2_memory_kib = 64
argon2_passes = 1
argon2_parallelism = 1

[tls]
certificate = "tls/cert.pem"
private_key = "tls/key.pem"

[imap]
max_connections_per_account = 50000

[[listener]]
name = "imap"
protocol = "imap"
address = "127.0.0.1:${port}"
tls = "starttls"
allow_plaintext_auth = true
[listener.limits]
max_connections = 50000
max_connections_per_ip = 50000
connection_rate_per_ip = 0
imap_commands_per_second = 0
`;
await mkdir(join(dataDir, 'tls'), { recursive: true });
const cert = createSelfSigned(['bench.example.test', '127.0.0.1']);
await writeFile(join(dataDir, 'tls', 'cert.pem'), cert.certPem);
await writeFile(join(dataDir, 'tls', 'key.pem'), cert.keyPem, { mode: 0o600 });
await writeFile(join(dataDir, 'postern.toml'), toml);
const ctx = await openContext(dataDir, parseConfigText(toml, 'postern.toml'), { log: silentLogger });
await ctx.store.addDomain(user.slice(user.indexOf('@') + 1));
await ctx.directory.createUser(user, pass);
await ctx.store.setPassword(user, await hashPassword(pass, { memoryKiB: 64, passes: 1, parallelism: 1 }));
await closeContext(ctx);
