import type { Server } from 'bun'
import type { ClientInfo } from '../modules/auth/service'

/**
 * Who is calling. Behind a proxy we trust (Fly), the proxy's client-IP header wins;
 * otherwise the socket's address, so a client cannot pick its own rate-limit bucket.
 */
export function clientInfo(request: Request, server: Server<unknown> | null, trustProxy: boolean): ClientInfo {
  let ip: string | undefined
  if (trustProxy) {
    ip = request.headers.get('fly-client-ip') ?? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  }
  ip ||= server?.requestIP(request)?.address ?? 'unknown'
  return { ip: ip.slice(0, 64), userAgent: request.headers.get('user-agent') ?? undefined }
}
