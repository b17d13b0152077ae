// Loaded before every test file (bunfig.toml): tests are quiet unless asked otherwise, and
// integration tests (servers, jobs, other processes) get more than Bun's 5 s on a loaded machine.
import { setDefaultTimeout } from 'bun:test'

process.env.LOG_LEVEL ??= 'silent'
setDefaultTimeout(20_000)
