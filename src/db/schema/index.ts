export * from './users'
export * from './communities'
