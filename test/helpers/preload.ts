// Loaded before every test file (bunfig.toml): tests are quiet unless asked otherwise, and
// integration tests (servers, jobs, other processes) get more than Bun's 5 s on a loaded machine.
import { setDefaultTimeout } from 'bun:test'
import { INTEGRATION_TIMEOUT_MS } from './timeouts'

process.env.LOG_LEVEL ??= 'silent'
// Reaches the first test file only (bun 1.4); createTestDatabase sets it for the others.
setDefaultTimeout(INTEGRATION_TIMEOUT_MS)
