// Every feature of Hearth, listed once. The app builds their API parts from this list
// (src/hearth.ts); the job worker threads load their processors and domain-event
// reactions from it. Adding a feature: its folder, one line here, its schema, its tests.
import { eventProcessors } from './domain-events/consume'
import type { ConsumerTable } from './domain-events/relay'
import type { Expander } from './domain-events/types'
import type { Feature } from './feature'
import { mergeProcessors, type ProcessorTable } from './jobs/processors'
import { adminFeature } from './modules/admin'
import { authFeature } from './modules/auth'
import { communitiesFeature } from './modules/communities'
import { calendarFeature } from './modules/events'
import { mediaFeature } from './modules/media'
import { messagesFeature } from './modules/messages'
import { moderationFeature } from './modules/moderation'
import { notificationsFeature } from './modules/notifications'
import { operationsFeature } from './modules/ops'
import { permissionsFeature } from './modules/permissions'
import { pollsFeature } from './modules/polls'
import { presenceFeature } from './modules/presence'
import { roomsFeature } from './modules/rooms'
import { surveysFeature } from './modules/surveys'
import { socialFeature } from './modules/social'
import { usersFeature } from './modules/users'
import { webhooksFeature } from './modules/webhooks'
import { webFeature } from './modules/web'

/** In build order: a feature that uses another's `api` comes after it. */
export const features = [
  operationsFeature,
  authFeature,
  usersFeature,
  communitiesFeature,
  permissionsFeature,
  notificationsFeature,
  mediaFeature,
  moderationFeature,
  socialFeature,
  roomsFeature,
  messagesFeature,
  presenceFeature,
  pollsFeature,
  surveysFeature,
  webhooksFeature,
  calendarFeature,
  adminFeature,
  webFeature,
] as const

type AnyFeature = Feature<any, any>

/** Who reacts to which domain events: the relay queues them per consumer, in jobs of many. */
export const consumers: ConsumerTable = new Map(
  (features as readonly AnyFeature[]).flatMap((f) => (f.reactions ? [[f.name, f.reactions] as const] : [])),
)

/** Outbox rows that stand for many events, by row type. */
export const expanders: Record<string, Expander> = Object.assign({}, ...(features as readonly AnyFeature[]).map((f) => f.expanders ?? {}))

/** Every job a worker thread runs: the features' processors and the domain-event reactions. */
export const processors: ProcessorTable = mergeProcessors(
  ...(features as readonly AnyFeature[]).map((f) => f.processors ?? {}),
  eventProcessors(consumers),
)

/** This module, for the job worker threads to load (JobRunner.startWorkers({modules})). */
export const FEATURE_JOBS = import.meta.url
