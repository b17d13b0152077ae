// Loaded before every test file (bunfig.toml): tests are quiet unless asked otherwise.
process.env.LOG_LEVEL ??= 'silent'
