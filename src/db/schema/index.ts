export * from './users'
export * from './communities'
export * from './messages'
export * from './receipts'
