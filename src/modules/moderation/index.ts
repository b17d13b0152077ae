import { Elysia } from 'elysia'
import type { Router } from '../../../rooms'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { Logger } from '../../lib/log'
import { IdParams, NoContent } from '../../lib/model'
import type { RateLimiter } from '../../lib/rate-limit'
import type { Redis } from '../../lib/redis'
import type { SignedIn } from '../auth/guard'
import { CommunityParams } from '../communities/model'
import type { CommunityService } from '../communities/service'
import type { PermissionService } from '../permissions/service'
import { moderationReactions } from './events'
import {
  CreateReportBody,
  CreateRuleBody,
  MyReport,
  ReportPage,
  ReportQuery,
  ReportView,
  ResolveBody,
  Rule,
  RuleList,
  UpdateRuleBody,
} from './model'
import { Reports } from './reports'
import { AutomodRules } from './rules'
import { Automod } from './screen'
import { messageTargets } from './targets'

export interface ModerationDeps {
  db: Database
  redis: Redis
  log: Logger
  config: Pick<Config, 'rateLimits'>
  rateLimiter: RateLimiter
  permissions: PermissionService
  events: DomainEvents
  /** Deleting a reported message is a command to its room's actor. */
  router: Router
  signedIn: SignedIn
  /** Time-outs and bans on a resolution, with the community's hierarchy rules. */
  communities: CommunityService
}

/**
 * Moderation: automod rules screening what members write (`automod.screen` before a text
 * commits, `committed` after), reports and the review queue, resolutions. Reporters are
 * told the outcome on `report.resolved` (a reaction: durable, once).
 */
export const moderationFeature = defineFeature<ModerationDeps, { automod: Automod }>({
  name: 'moderation',
  reactions: moderationReactions,
  build: (deps) => {
    const automod = new Automod(deps)
    const rules = new AutomodRules({ ...deps, compiledRules: automod })
    const reports = new Reports({
      ...deps,
      reportLimit: deps.config.rateLimits.reportsPerUser,
      targets: { message: messageTargets(deps) },
      sanctions: deps.communities,
    })
    return { routes: moderationRoutes({ rules, reports, signedIn: deps.signedIn }), api: { automod } }
  },
})

interface ModerationRoutesDeps {
  rules: AutomodRules
  reports: Reports
  signedIn: SignedIn
}

const moderationRoutes = (deps: ModerationRoutesDeps) =>
  new Elysia({ prefix: '/v1', name: 'moderation', detail: { tags: ['moderation'], security: [{ bearer: [] }] } })
    .use(deps.signedIn())
    .post(
      '/communities/:id/automod/rules',
      async ({ user, params, body, status }) =>
        status(201, await deps.rules.create({ actorId: user.id, communityId: params.id, rule: body })),
      {
        params: CommunityParams,
        body: CreateRuleBody,
        response: { 201: Rule },
        detail: { summary: 'Add an automod rule (manage_community); a pattern that cannot run in linear time is refused (422)' },
      },
    )
    .get('/communities/:id/automod/rules', ({ user, params }) => deps.rules.list({ actorId: user.id, communityId: params.id }), {
      params: CommunityParams,
      response: { 200: RuleList },
      detail: { summary: "The community's automod rules (manage_community)" },
    })
    .get('/automod/rules/:id', ({ user, params }) => deps.rules.get({ actorId: user.id, ruleId: params.id }), {
      params: IdParams,
      response: { 200: Rule },
      detail: { summary: 'One automod rule (manage_community)' },
    })
    .patch('/automod/rules/:id', ({ user, params, body }) => deps.rules.update({ actorId: user.id, ruleId: params.id, patch: body }), {
      params: IdParams,
      body: UpdateRuleBody,
      response: { 200: Rule },
      detail: { summary: 'Change an automod rule (manage_community)' },
    })
    .delete(
      '/automod/rules/:id',
      async ({ user, params, status }) => {
        await deps.rules.remove({ actorId: user.id, ruleId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete an automod rule (manage_community)' } },
    )
    .post(
      '/reports',
      async ({ user, body, status }) => {
        const { duplicate, ...report } = await deps.reports.create({ reporterId: user.id, report: body })
        return duplicate ? status(200, report) : status(201, report)
      },
      {
        body: CreateReportBody,
        response: { 200: MyReport, 201: MyReport },
        detail: { summary: 'Report a message, post, comment or user; reporting the same open target again answers 200 with the same report' },
      },
    )
    .get(
      '/communities/:id/reports',
      ({ user, params, query }) => deps.reports.list({ actorId: user.id, communityId: params.id, ...query }),
      {
        params: CommunityParams,
        query: ReportQuery,
        response: { 200: ReportPage },
        detail: { summary: 'The review queue, newest first (moderate_members); status defaults to open' },
      },
    )
    .post(
      '/reports/:id/resolve',
      ({ user, params, body }) => deps.reports.resolve({ actorId: user.id, reportId: params.id, resolution: body }),
      {
        params: IdParams,
        body: ResolveBody,
        response: { 200: ReportView },
        detail: { summary: 'Resolve a report: dismiss, delete the target, time out or ban its author (moderate_members)' },
      },
    )
