// The slice of @xmpp/client the benchmark uses (the package ships no types).
declare module '@xmpp/client' {
  interface Element {
    attrs: Record<string, string | undefined>
    is(name: string): boolean
    getChild(name: string, xmlns?: string): Element | undefined
    getChildren(name: string): Element[]
    getChildText(name: string): string | null
    toString(): string
  }
  interface Client {
    on(event: 'stanza', listener: (stanza: Element) => void): void
    on(event: 'error' | 'offline', listener: (arg?: unknown) => void): void
    start(): Promise<unknown>
    stop(): Promise<unknown>
    send(element: Element): Promise<void>
    iqCaller: { request(element: Element, timeoutMs?: number): Promise<Element> }
  }
  export function client(options: Record<string, unknown>): Client
  export function xml(name: string, attrs?: Record<string, string>, ...children: (Element | string)[]): Element
}
