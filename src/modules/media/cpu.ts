// Image work at a low CPU priority. On Linux niceness is per thread, so libvips' worker
// threads (where decoding and resizing run, named "libvips worker") are given the
// MEDIA_NICE value: when the CPU is contended, the room actors, the gateway and Postgres
// run first and images take what is left; on an idle CPU images run at full speed.
import { readdirSync, readFileSync } from 'node:fs'

const PRIO_PROCESS = 0
type SetPriority = (which: number, who: number, prio: number) => number

let setpriority: SetPriority | null | undefined

async function load(): Promise<SetPriority | null> {
  if (process.platform !== 'linux') return null
  try {
    const { dlopen, FFIType } = await import('bun:ffi')
    const libc = dlopen('libc.so.6', { setpriority: { args: [FFIType.i32, FFIType.u32, FFIType.i32], returns: FFIType.i32 } })
    return (which, who, prio) => libc.symbols.setpriority(which, who, prio)
  } catch {
    return null
  }
}

/** Gives every libvips worker thread of this process the nice value `nice` (0: leaves them alone). Best effort. */
export async function lowerImageThreads(nice: number): Promise<void> {
  if (nice <= 0) return
  if (setpriority === undefined) setpriority = await load()
  if (!setpriority) return
  let tasks: string[]
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return
  }
  for (const tid of tasks) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'libvips worker') setpriority(PRIO_PROCESS, Number(tid), nice)
    } catch {
      // the thread ended meanwhile
    }
  }
}
