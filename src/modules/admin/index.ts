import { Elysia } from 'elysia'
import type { Config } from '../../config'
import { defineFeature } from '../../feature'
import type { JobRunner } from '../../jobs/runner'
import type { AuthService } from '../auth/service'
import { deadLettersRoutes } from './dead-letters'
import { queueBoardRoutes } from './queue-board'

export interface AdminDeps {
  auth: AuthService
  jobs: JobRunner
  config: Config
}

/** For platform admins: dead letters (list, replay, discard) and the Bull Board dashboard. */
export const adminFeature = defineFeature<AdminDeps>({
  name: 'admin',
  build: ({ auth, jobs, config }) => ({
    routes: new Elysia().use(deadLettersRoutes(auth, jobs)).use(queueBoardRoutes(auth, jobs, config)),
  }),
})
