export * from './users'
export * from './messages'
