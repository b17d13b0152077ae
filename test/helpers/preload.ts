// Loaded before every test file (bunfig.toml). Tests are quiet unless asked otherwise,
// and may take longer than Bun's 5 s default: they start servers and databases.
import { setDefaultTimeout } from 'bun:test'

process.env.LOG_LEVEL ??= 'silent'
setDefaultTimeout(20_000)
