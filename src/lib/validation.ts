// What a failed schema check says to a client: the field, and what it must be — the allowed
// values of a choice, "a whole number from 1 to 100", "an id" — never a regular expression.

/** The parts of a TypeBox value error this reads. */
export interface SchemaError {
  path: string
  message: string
  schema: Record<string, any>
}

/** One error as `{path, message}`; `field` names it when the path is the value itself (a query parameter). */
export function describeError(error: SchemaError, field?: string): { path: string; message: string } {
  const path = error.path && error.path !== '/' ? error.path : field ? `/${field}` : error.path || '/'
  return { path, message: expectation(error.schema) ?? error.message.replace(/ to match '.*'$/, ' to be in the expected format') }
}

/** What a schema asks for, in words, where TypeBox's own message would not help a person. */
function expectation(schema: Record<string, any> | undefined): string | undefined {
  if (!schema) return undefined
  const choices = Array.isArray(schema.anyOf) ? schema.anyOf : undefined
  if (choices?.length && choices.every((c: any) => 'const' in c)) {
    return `must be one of: ${choices.map((c: any) => JSON.stringify(c.const)).join(', ')}`
  }
  const numeric = choices?.find((c: any) => c.type === 'integer' || c.type === 'number') ?? (schema.type === 'integer' || schema.type === 'number' ? schema : undefined)
  if (numeric) {
    const whole = numeric.type === 'integer' || numeric.multipleOf === 1 || schema.multipleOf === 1
    const min = numeric.minimum ?? schema.minimum
    const max = numeric.maximum ?? schema.maximum
    const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : ''
    return `must be ${whole ? 'a whole number' : 'a number'}${range}`
  }
  if (schema.type === 'string' && typeof schema.pattern === 'string') {
    return schema.description === 'id' ? 'must be an id (a lower-case UUID)' : 'is not in the expected format'
  }
  return undefined
}
