import { Elysia, t } from 'elysia'
import type { authGuard } from '../auth/guard'
import { CommunityParams } from '../communities/model'
import {
  CreateReportBody,
  CreateRuleBody,
  IdParams,
  MyReport,
  ReportQuery,
  ReportView,
  ResolveBody,
  Rule,
  UpdateRuleBody,
} from './model'
import type { Reports } from './reports'
import type { AutomodRules } from './rules'

export interface ModerationRoutesDeps {
  rules: AutomodRules
  reports: Reports
  signedIn: () => ReturnType<typeof authGuard>
}

export const moderationRoutes = (deps: ModerationRoutesDeps) =>
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
      response: { 200: t.Array(Rule) },
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
      { params: IdParams, detail: { summary: 'Delete an automod rule (manage_community)' } },
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
        response: { 200: t.Object({ reports: t.Array(ReportView), nextCursor: t.Nullable(t.String()) }) },
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
