import { sql } from 'drizzle-orm'
import { bigint, boolean, check, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from './users'

/**
 * One row per room that has ever had an actor. `last_seq` is the seq of the newest
 * message; `epoch` grows by one each time a node takes ownership, and every commit
 * checks it so a stale owner cannot write. No foreign key to rooms: the rooms table
 * arrives with the communities issue.
 */
export const roomState = pgTable('room_state', {
  roomId: uuid('room_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  ownerNode: text('owner_node'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

/** What a message is: text, or the message that carries a poll or announces a survey. */
export const messageKinds = ['text', 'poll', 'survey'] as const
export type MessageKind = (typeof messageKinds)[number]

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    roomId: uuid('room_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    nonce: text('nonce').notNull(),
    body: text('body').notNull(),
    replyToId: uuid('reply_to_id'),
    threadRootId: uuid('thread_root_id'),
    /** Media ids. */
    attachments: jsonb('attachments').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** User ids. */
    mentions: jsonb('mentions').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    mentionEveryone: boolean('mention_everyone').notNull().default(false),
    kind: text('kind').$type<MessageKind>().notNull().default('text'),
    /** The poll a message of kind `poll` carries (src/modules/polls). */
    pollId: uuid('poll_id'),
    /** The survey a message of kind `survey` announces. */
    surveyId: uuid('survey_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    editedAt: timestamp('edited_at', { withTimezone: true, mode: 'date' }),
    /** A tombstone: the row stays (the seq stays taken) with its body cleared. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // Also the index history pages through (room_id, seq).
    uniqueIndex('messages_room_seq_key').on(t.roomId, t.seq),
    // Idempotent sends: a client nonce is unique per (room, author) forever.
    uniqueIndex('messages_room_author_nonce_key').on(t.roomId, t.authorId, t.nonce),
    index('messages_thread_root_idx').on(t.threadRootId, t.seq).where(sql`${t.threadRootId} is not null`),
    check(
      'messages_kind_check',
      sql`(${t.kind} = 'text' and ${t.pollId} is null and ${t.surveyId} is null)
        or (${t.kind} = 'poll' and ${t.pollId} is not null and ${t.surveyId} is null)
        or (${t.kind} = 'survey' and ${t.surveyId} is not null and ${t.pollId} is null)`,
    ),
  ],
)

/** The earlier bodies of an edited message, newest edit last. */
export const messageEdits = pgTable(
  'message_edits',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    editedAt: timestamp('edited_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('message_edits_message_idx').on(t.messageId, t.editedAt)],
)

export const messageReactions = pgTable(
  'message_reactions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
)

export type MessageRow = typeof messages.$inferSelect
