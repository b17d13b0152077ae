// Loaded before every test file (bunfig.toml). Tests are quiet unless asked otherwise.
import { setDefaultTimeout } from 'bun:test'

process.env.LOG_LEVEL ??= 'silent'
// bunfig.toml's [test] timeout is not read by bun test (its default stays 5 s), and boot
// tests that start PGlite in a child process need longer on a loaded machine.
setDefaultTimeout(20_000)
