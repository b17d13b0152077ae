/** A test's time limit in files that start servers, jobs or other processes (Bun's own is 5 s). */
export const INTEGRATION_TIMEOUT_MS = 20_000
