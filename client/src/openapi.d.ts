// Generated from the OpenAPI document Hearth serves at /swagger/json (openapi-typescript).
// Do not edit: `bun run client:types` rewrites it; test/client/openapi-types.test.ts fails while it is stale.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: 200 while the process runs */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 200 when Postgres and Redis answer, else 503 naming what is down */
        get: operations["getReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account and start a session */
        post: operations["postAuthRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a session with a username or email and a password */
        post: operations["postAuthLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Spend a refresh token for a new token pair (reuse revokes the family) */
        post: operations["postAuthRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the session of a refresh token */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that verify access tokens */
        get: operations["getWellKnownJwksJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: operations["getUsersMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Communities the caller belongs to */
        get: operations["getCommunities"];
        put?: never;
        /** Create a community; the creator is its owner */
        post: operations["postCommunities"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A community you belong to */
        get: operations["getCommunitiesById"];
        put?: never;
        post?: never;
        /** Delete the community (owners only) */
        delete: operations["deleteCommunitiesById"];
        options?: never;
        head?: never;
        /** Rename (manage_community) */
        patch: operations["patchCommunitiesById"];
        trace?: never;
    };
    "/v1/communities/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members with their roles, paged by cursor */
        get: operations["getCommunitiesByIdMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Leave (your own id) or kick (moderate_members) */
        delete: operations["deleteCommunitiesByIdMembersByUserId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/members/{userId}/timeout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Time a member out (view only) for some seconds, at most 28 days; 0 lifts it (moderate_members, below you) */
        put: operations["putCommunitiesByIdMembersByUserIdTimeout"];
        post?: never;
        /** End a timeout early (moderate_members, below you) */
        delete: operations["deleteCommunitiesByIdMembersByUserIdTimeout"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/bans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Banned users (ban_members) */
        get: operations["getCommunitiesByIdBans"];
        put?: never;
        /** Ban a user (ban_members); removes their membership */
        post: operations["postCommunitiesByIdBans"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/bans/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Lift a ban (ban_members) */
        delete: operations["deleteCommunitiesByIdBansByUserId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/owners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a member an owner (owners only) */
        post: operations["postCommunitiesByIdOwners"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/owners/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an owner; the last one stays */
        delete: operations["deleteCommunitiesByIdOwnersByUserId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/invites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invites: all of them (manage_community) or your own */
        get: operations["getCommunitiesByIdInvites"];
        put?: never;
        /** Create an invite code (create_invites) */
        post: operations["postCommunitiesByIdInvites"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invites/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Preview the community an invite opens */
        get: operations["getInvitesByCode"];
        put?: never;
        post?: never;
        /** Revoke an invite (its creator, or manage_community) */
        delete: operations["deleteInvitesByCode"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invites/{code}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Join the community with an invite */
        post: operations["postInvitesByCodeAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every change that touched access: who, what, before, after (manage_community) */
        get: operations["getCommunitiesByIdAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Roles of a community, lowest first */
        get: operations["getCommunitiesByIdRoles"];
        put?: never;
        /** Create a role (scopeId: a group whose subtree it applies to) */
        post: operations["postCommunitiesByIdRoles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/roles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a role (manage_roles, below your highest role) */
        delete: operations["deleteRolesById"];
        options?: never;
        head?: never;
        /** Edit a role (manage_roles, below your highest role) */
        patch: operations["patchRolesById"];
        trace?: never;
    };
    "/v1/communities/{id}/members/{userId}/roles/{roleId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Give a member a role */
        put: operations["putCommunitiesByIdMembersByUserIdRolesByRoleId"];
        post?: never;
        /** Take a role from a member */
        delete: operations["deleteCommunitiesByIdMembersByUserIdRolesByRoleId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{id}/overwrites/{kind}/{targetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set allow and deny for a role or member on a group */
        put: operations["putGroupsByIdOverwritesByKindByTargetId"];
        post?: never;
        /** Remove an overwrite from a group */
        delete: operations["deleteGroupsByIdOverwritesByKindByTargetId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/overwrites/{kind}/{targetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set allow and deny for a role or member on a room */
        put: operations["putRoomsByIdOverwritesByKindByTargetId"];
        post?: never;
        /** Remove an overwrite from a room */
        delete: operations["deleteRoomsByIdOverwritesByKindByTargetId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your permissions in a community, or in one of its groups (404 unless you are a member who can view it) */
        get: operations["getCommunitiesByIdPermissions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's permissions in a room, and which rule set or cleared each bit */
        get: operations["getRoomsByIdPermissions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your notifications, newest activity first; grouped rows carry count and actors */
        get: operations["getNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark read: everything up to `upTo` (a notification id), or everything */
        post: operations["postNotificationsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/mutes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your mute settings still in force */
        get: operations["getNotificationsMutes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/mutes/{kind}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Mute (or, under a muted parent, unmute) a room, group or community; the nearest setting above a room wins */
        put: operations["putNotificationsMutesByKindById"];
        post?: never;
        /** Clear your mute setting of a room, group or community */
        delete: operations["deleteNotificationsMutesByKindById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/blobs/{mediaId}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a media file or variant (a signed, expiring URL from GET /v1/media/:id) */
        get: operations["getMediaBlobsByMediaIdByName"];
        /** Upload the bytes of a media (the URL from POST /v1/media/uploads; exactly its size and content type) */
        put: operations["putMediaBlobsByMediaIdByName"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/{id}/avatar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An avatar or community icon: redirects (302) to a signed URL of its 400 px variant */
        get: operations["getMediaByIdAvatar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an upload: answers the media (pending) and a URL that takes exactly this file, for a few minutes */
        post: operations["postMediaUploads"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The upload is done: the stored file is checked (size, type by its bytes, pixel count) and processed */
        post: operations["postMediaByIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A media with signed, expiring URLs: for its uploader and whoever can see what references it */
        get: operations["getMediaById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/me/avatar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set your avatar to one of your ready images (null removes it); answers you with avatarUrl */
        put: operations["putUsersMeAvatar"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/icon": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the community's icon to one of your ready images (null removes it); manage_community */
        put: operations["putCommunitiesByIdIcon"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/automod/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The community's automod rules (manage_community) */
        get: operations["getCommunitiesByIdAutomodRules"];
        put?: never;
        /** Add an automod rule (manage_community); a pattern that cannot run in linear time is refused (422) */
        post: operations["postCommunitiesByIdAutomodRules"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/automod/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One automod rule (manage_community) */
        get: operations["getAutomodRulesById"];
        put?: never;
        post?: never;
        /** Delete an automod rule (manage_community) */
        delete: operations["deleteAutomodRulesById"];
        options?: never;
        head?: never;
        /** Change an automod rule (manage_community) */
        patch: operations["patchAutomodRulesById"];
        trace?: never;
    };
    "/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report a message, post, comment or user; reporting the same open target again answers 200 with the same report */
        post: operations["postReports"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The review queue, newest first (moderate_members); status defaults to open */
        get: operations["getCommunitiesByIdReports"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resolve a report: dismiss, delete the target, time out or ban its author (moderate_members) */
        post: operations["postReportsByIdResolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/follow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Follow a user (idempotent); refused between users who block each other */
        put: operations["putUsersByIdFollow"];
        post?: never;
        /** Unfollow a user (idempotent) */
        delete: operations["deleteUsersByIdFollow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/followers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who follows the user, newest first */
        get: operations["getUsersByIdFollowers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/following": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whom the user follows, newest first */
        get: operations["getUsersByIdFollowing"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/block": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Block a user: ends follows both ways and hides each from the other */
        put: operations["putUsersByIdBlock"];
        post?: never;
        /** Unblock a user (follows are not restored) */
        delete: operations["deleteUsersByIdBlock"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/blocks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The users you block, newest first */
        get: operations["getMeBlocks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user’s counters and your relationship with them */
        get: operations["getUsersByIdProfile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user’s posts you may see, newest first */
        get: operations["getUsersByIdPosts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Post: a body (or attachments), visible to everyone or to followers */
        post: operations["postPosts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A post you may see */
        get: operations["getPostsById"];
        put?: never;
        post?: never;
        /** Delete your post: it leaves every feed and list */
        delete: operations["deletePostsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/like": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Like a post (once; idempotent) */
        put: operations["putPostsByIdLike"];
        post?: never;
        /** Take your like back (idempotent) */
        delete: operations["deletePostsByIdLike"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Top-level comments, oldest first, each with its reply count */
        get: operations["getPostsByIdComments"];
        put?: never;
        /** Comment on a post, or reply to a comment (one level) */
        post: operations["postPostsByIdComments"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/comments/{id}/replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Replies under a comment, oldest first */
        get: operations["getCommentsByIdReplies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/comments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a comment (its author or the post’s author); its replies go with it */
        delete: operations["deleteCommentsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/feed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your home feed: your posts and those of whom you follow, newest first */
        get: operations["getFeed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/tree": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Groups and rooms nested, as the caller may see them */
        get: operations["getCommunitiesByIdTree"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a group (parentId: any group of the community, any depth) */
        post: operations["postCommunitiesByIdGroups"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A group you can see */
        get: operations["getGroupsById"];
        put?: never;
        post?: never;
        /** Delete an empty group */
        delete: operations["deleteGroupsById"];
        options?: never;
        head?: never;
        /** Rename, reorder or move a group with its subtree (parentId null: top level) */
        patch: operations["patchGroupsById"];
        trace?: never;
    };
    "/v1/communities/{id}/rooms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a room (manage_rooms); private rooms start with their creator */
        post: operations["postCommunitiesByIdRooms"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A room you can see */
        get: operations["getRoomsById"];
        put?: never;
        post?: never;
        /** Delete a room (manage_rooms) */
        delete: operations["deleteRoomsById"];
        options?: never;
        head?: never;
        /** Rename, set topic or slow mode, reorder or move a room (groupId null: top level) */
        patch: operations["patchRoomsById"];
        trace?: never;
    };
    "/v1/rooms/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is in a room you can view: the people added to a private room, DM or group DM; for a public room, the community members who can view it */
        get: operations["getRoomsByIdMembers"];
        put?: never;
        /** Add someone to a private room (manage_rooms) or a group DM */
        post: operations["postRoomsByIdMembers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove someone from a private room or group DM */
        delete: operations["deleteRoomsByIdMembersByUserId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your DMs and group DMs */
        get: operations["getDms"];
        put?: never;
        /** Open the DM with one person (always the same room) or a group DM (up to 10 people) */
        post: operations["postDms"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** History ordered by seq ascending; before/after/around are seqs */
        get: operations["getRoomsByIdMessages"];
        put?: never;
        /** Send a message (acknowledged once committed); the same nonce again returns the same message */
        post: operations["postRoomsByIdMessages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message in a room you can see */
        get: operations["getMessagesById"];
        put?: never;
        post?: never;
        /** Delete your message, or any with manage_messages (a tombstone stays) */
        delete: operations["deleteMessagesById"];
        options?: never;
        head?: never;
        /** Edit your message (earlier bodies are kept) */
        patch: operations["patchMessagesById"];
        trace?: never;
    };
    "/v1/messages/{id}/thread": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message and the replies in its thread */
        get: operations["getMessagesByIdThread"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/reactions/{emoji}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** React (react); one reaction per user and emoji */
        put: operations["putMessagesByIdReactionsByEmoji"];
        post?: never;
        /** Take your reaction back */
        delete: operations["deleteMessagesByIdReactionsByEmoji"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move your read cursor (never backwards) */
        post: operations["postRoomsByIdRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/unread": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Exact unread and mention counts for every room you can see */
        get: operations["getMeUnread"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/pins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pinned messages of a room */
        get: operations["getRoomsByIdPins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/pins/{messageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Pin a message (pin_messages) */
        put: operations["putRoomsByIdPinsByMessageId"];
        post?: never;
        /** Unpin a message (pin_messages) */
        delete: operations["deleteRoomsByIdPinsByMessageId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/presence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Presence of people who share a community or a DM with you (others are left out) */
        get: operations["getPresence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/polls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a poll: a message of kind poll in the room (create_polls) */
        post: operations["postRoomsByIdPolls"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/polls/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A poll as you may see it: counts only where its results visibility allows */
        get: operations["getPollsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/polls/{id}/vote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Vote (the same choices again change nothing); empty choices take the vote back where allowed */
        put: operations["putPollsByIdVote"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/polls/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a poll: its author, or manage_messages in its room */
        post: operations["postPollsByIdClose"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/polls/{id}/voters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who voted (for an option); 403 for anonymous polls, and until you may see the results */
        get: operations["getPollsByIdVoters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/surveys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The newest surveys of the community you can see (at most 100) */
        get: operations["getCommunitiesByIdSurveys"];
        put?: never;
        /** Create a survey of the community or of a group (create_polls there); optionally announced in a room */
        post: operations["postCommunitiesByIdSurveys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/surveys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A survey with your response (myResponse) */
        get: operations["getSurveysById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/surveys/{id}/response": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Answer a survey (replaces your earlier response until it closes); 422 invalid_answer names the question */
        put: operations["putSurveysByIdResponse"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/surveys/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a survey (its managers) */
        post: operations["postSurveysByIdClose"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/surveys/{id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Results per question: counts, scale mean and distribution (managers; respondents if the survey says so) */
        get: operations["getSurveysByIdResults"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/surveys/{id}/responses.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every response as RFC 4180 CSV (managers only; anonymous surveys export no user ids) */
        get: operations["getSurveysByIdResponsesCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/hooks/{id}/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Post into a room as the hook's bot: {body} with verify=token, or the provider's own signed event (Standard Webhooks, GitHub, Stripe); 202 once checked and queued */
        post: operations["postHooksByIdByToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event types an endpoint can subscribe to (by name, `prefix.*`, or `*`) */
        get: operations["getWebhooksEventTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The community's outgoing endpoints */
        get: operations["getCommunitiesByIdWebhooks"];
        put?: never;
        /** Add an outgoing endpoint; its signing secret is shown once */
        post: operations["postCommunitiesByIdWebhooks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One outgoing endpoint */
        get: operations["getWebhooksById"];
        put?: never;
        post?: never;
        /** Delete the endpoint and its delivery log */
        delete: operations["deleteWebhooksById"];
        options?: never;
        head?: never;
        /** Change the URL, the event filter, the description, or turn the endpoint on or off */
        patch: operations["patchWebhooksById"];
        trace?: never;
    };
    "/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new signing secret; the old one keeps signing beside it for 24 hours */
        post: operations["postWebhooksByIdRotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log, newest first: attempts, status codes, latencies, answer excerpts */
        get: operations["getWebhooksByIdDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{deliveryId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send one delivery again now (same webhook-id) */
        post: operations["postWebhooksByIdDeliveriesByDeliveryIdRetry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send again every delivery that failed among those created since a time */
        post: operations["postWebhooksByIdRecover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/incoming-webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The room's incoming hooks */
        get: operations["getRoomsByIdIncomingWebhooks"];
        put?: never;
        /** A URL that posts into the room; its token (and secret, for a signing provider) is shown once */
        post: operations["postRoomsByIdIncomingWebhooks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incoming-webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an incoming hook */
        delete: operations["deleteIncomingWebhooksById"];
        options?: never;
        head?: never;
        /** Rename an incoming hook or turn it off (a disabled hook answers 404) */
        patch: operations["patchIncomingWebhooksById"];
        trace?: never;
    };
    "/v1/calendar/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The iCalendar (RFC 5545) feed of the events the token owner can see (`<token>.ics`); ETag / If-None-Match */
        get: operations["getCalendarByFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/communities/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an event or a recurring series (manage_events where it sits) */
        post: operations["postCommunitiesByIdEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An event series */
        get: operations["getEventsById"];
        put?: never;
        post?: never;
        /** Delete the whole series */
        delete: operations["deleteEventsById"];
        options?: never;
        head?: never;
        /** Change the whole series (scope all); occurrences that vanish lose their overrides and RSVPs (listed in `dropped`) */
        patch: operations["patchEventsById"];
        trace?: never;
    };
    "/v1/communities/{id}/occurrences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Occurrences of the events you can see, from/to at most 366 days apart, in start order */
        get: operations["getCommunitiesByIdOccurrences"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/occurrences/{originalStart}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Cancel one occurrence, or end the series before it */
        delete: operations["deleteEventsByIdOccurrencesByOriginalStart"];
        options?: never;
        head?: never;
        /** Change one occurrence (scope this) or it and all later ones (scope following: the series is split) */
        patch: operations["patchEventsByIdOccurrencesByOriginalStart"];
        trace?: never;
    };
    "/v1/events/{id}/occurrences/{originalStart}/rsvp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Answer for one occurrence; going past the capacity is waitlisted (promoted in order when a seat frees) */
        put: operations["putEventsByIdOccurrencesByOriginalStartRsvp"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/rsvp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Answer for every occurrence (an answer for one occurrence still wins); not going where seats are counted */
        put: operations["putEventsByIdRsvp"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/reminders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your reminders on the series */
        get: operations["getEventsByIdReminders"];
        /** Set your reminders on the series (minutes before each occurrence; [] for none) */
        put: operations["putEventsByIdReminders"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/calendar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your secret iCalendar feed URL */
        get: operations["getMeCalendar"];
        put?: never;
        post?: never;
        /** Revoke your feed URL */
        delete: operations["deleteMeCalendar"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/calendar/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new feed URL; the old one stops working */
        post: operations["postMeCalendarRotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dead letters, newest first, with the recovery rate */
        get: operations["getAdminDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dead letter and its replays */
        get: operations["getAdminDeadLettersById"];
        put?: never;
        post?: never;
        /** Discard a dead letter (kept for the record, never replayed) */
        delete: operations["deleteAdminDeadLettersById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put a dead job back on its queue; the outcome is recorded on the replay */
        post: operations["postAdminDeadLettersByIdReplay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay many: the given ids, or every dead letter matching the filter (up to limit) */
        post: operations["postAdminDeadLettersReplay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cluster": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This node's view of the cluster: members, and the owner of a room when asked. Platform admins only */
        get: operations["getCluster"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** WebSocket gateway (see docs/api.md): ops subscribe, send, edit, delete, react, typing, read, delivered, presence, ping, auth */
        get: operations["getWs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rooms/{id}/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** WebSocket gateway (see docs/api.md): ops subscribe, send, edit, delete, react, typing, read, delivered, presence, ping, auth; the socket is for the room in the path (on Fly it is replayed to the room's owner machine) */
        get: operations["getRoomsByIdWs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                /**
                 * @description snake_case; one of a closed set (README: errors)
                 * @example validation_failed
                 */
                code: string;
                message: string;
                /** @description also in the x-request-id header */
                requestId: string;
                /** @description what was wrong, where it helps: e.g. [{path, message}] for invalid input */
                details?: unknown;
            };
        };
        /** TreeGroup */
        TreeGroup: {
            id: string;
            parentId: string | null;
            name: string;
            position: number;
            groups: components["schemas"]["TreeGroup"][];
            rooms: {
                id: string;
                communityId: string | null;
                groupId: string | null;
                /** @enum {string} */
                kind: "text" | "private" | "dm" | "group_dm";
                name: string | null;
                topic: string | null;
                position: number;
                slowModeSeconds: number;
                memberCount: number;
                createdAt: string;
            }[];
        };
    };
    responses: {
        /** @description Malformed request (not JSON, not UTF-8) */
        Error400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No access token, or a bad or expired one */
        Error401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not allowed (a permission, a role rank, a ban, a time-out) */
        Error403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not found, or not visible to you */
        Error404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The path exists, not with this method (see Allow) */
        Error405: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Conflicts with the current state */
        Error409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Body too large */
        Error413: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Body is not JSON */
        Error415: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Invalid input; error.details names the field */
        Error422: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Rate limited (see Retry-After) */
        Error429: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A dependency is down; retry after Retry-After */
        Error503: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                        node: string;
                    };
                };
            };
            503: components["responses"]["Error503"];
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ready";
                        checks: {
                            postgres: string;
                            redis: string;
                        };
                    };
                };
            };
            503: components["responses"]["Error503"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            503: components["responses"]["Error503"];
        };
    };
    postAuthRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description letters, digits, _ and . */
                    username: string;
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            email: string;
                            isPlatformAdmin: boolean;
                        };
                        accessToken: string;
                        refreshToken: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    postAuthLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description username or email */
                    login: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            email: string;
                            isPlatformAdmin: boolean;
                        };
                        accessToken: string;
                        refreshToken: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    postAuthRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accessToken: string;
                        refreshToken: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    getWellKnownJwksJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            503: components["responses"]["Error503"];
        };
    };
    getUsersMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        displayName: string | null;
                        avatarUrl: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        email: string;
                        isPlatformAdmin: boolean;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunities: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        memberCount: number;
                        iconUrl: string | null;
                        createdAt: string;
                        owners?: string[];
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunities: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        memberCount: number;
                        iconUrl: string | null;
                        createdAt: string;
                        owners?: string[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        memberCount: number;
                        iconUrl: string | null;
                        createdAt: string;
                        owners?: string[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommunitiesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchCommunitiesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        memberCount: number;
                        iconUrl: string | null;
                        createdAt: string;
                        owners?: string[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdMembers: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        members: {
                            userId: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                            nickname: string | null;
                            joinedAt: string;
                            timeoutUntil: string | null;
                            roleIds: string[];
                            isOwner: boolean;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommunitiesByIdMembersByUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putCommunitiesByIdMembersByUserIdTimeout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    seconds: number;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        userId: string;
                        timeoutUntil: string | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommunitiesByIdMembersByUserIdTimeout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdBans: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        userId: string;
                        reason: string | null;
                        bannedBy: string | null;
                        createdAt: string;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdBans: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description id */
                    userId: string;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        communityId: string;
                        userId: string;
                        reason: string | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommunitiesByIdBansByUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdOwners: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description id */
                    userId: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        communityId: string;
                        userId: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommunitiesByIdOwnersByUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdInvites: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        communityId: string;
                        createdBy: string | null;
                        maxUses: number | null;
                        uses: number;
                        expiresAt: string | null;
                        revokedAt: string | null;
                        createdAt: string;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdInvites: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    maxUses?: number;
                    expiresInSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        communityId: string;
                        createdBy: string | null;
                        maxUses: number | null;
                        uses: number;
                        expiresAt: string | null;
                        revokedAt: string | null;
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getInvitesByCode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        community: {
                            id: string;
                            name: string;
                            memberCount: number;
                        };
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteInvitesByCode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postInvitesByCodeAccept: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        communityId: string;
                        userId: string;
                        joinedAt: string;
                        alreadyMember: boolean;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdAuditLog: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: {
                            id: string;
                            communityId: string | null;
                            /** @description who made the change (null: Hearth itself) */
                            actorId: string | null;
                            /** @description insert, update, delete, or a named action (member.timeout, automod.*, report.resolved, …) */
                            action: string;
                            /** @description what changed: the table or the thing */
                            entity: string;
                            /** @description the row before the change (null for an insert) */
                            before: unknown;
                            /** @description the row after the change (null for a delete) */
                            after: unknown;
                            createdAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdRoles: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        permissions: string[];
                        position: number;
                        scopeId: string | null;
                        isDefault: boolean;
                        color: number | null;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdRoles: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    permissions: ("view" | "send" | "attach" | "react" | "mention_everyone" | "manage_messages" | "manage_rooms" | "manage_groups" | "manage_roles" | "manage_events" | "create_polls" | "create_invites" | "moderate_members" | "ban_members" | "administrator" | "manage_community" | "pin_messages" | "manage_webhooks")[];
                    /** @description id */
                    scopeId?: string;
                    position?: number;
                    color?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        permissions: string[];
                        position: number;
                        scopeId: string | null;
                        isDefault: boolean;
                        color: number | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteRolesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchRolesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    permissions?: ("view" | "send" | "attach" | "react" | "mention_everyone" | "manage_messages" | "manage_rooms" | "manage_groups" | "manage_roles" | "manage_events" | "create_polls" | "create_invites" | "moderate_members" | "ban_members" | "administrator" | "manage_community" | "pin_messages" | "manage_webhooks")[];
                    position?: number;
                    color?: number | null;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        permissions: string[];
                        position: number;
                        scopeId: string | null;
                        isDefault: boolean;
                        color: number | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putCommunitiesByIdMembersByUserIdRolesByRoleId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
                roleId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommunitiesByIdMembersByUserIdRolesByRoleId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
                roleId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putGroupsByIdOverwritesByKindByTargetId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                kind: "role" | "member";
                targetId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allow: ("view" | "send" | "attach" | "react" | "mention_everyone" | "manage_messages" | "manage_rooms" | "manage_groups" | "manage_roles" | "manage_events" | "create_polls" | "create_invites" | "moderate_members" | "ban_members" | "administrator" | "manage_community" | "pin_messages" | "manage_webhooks")[];
                    deny: ("view" | "send" | "attach" | "react" | "mention_everyone" | "manage_messages" | "manage_rooms" | "manage_groups" | "manage_roles" | "manage_events" | "create_polls" | "create_invites" | "moderate_members" | "ban_members" | "administrator" | "manage_community" | "pin_messages" | "manage_webhooks")[];
                };
            };
        };
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteGroupsByIdOverwritesByKindByTargetId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                kind: "role" | "member";
                targetId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putRoomsByIdOverwritesByKindByTargetId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                kind: "role" | "member";
                targetId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allow: ("view" | "send" | "attach" | "react" | "mention_everyone" | "manage_messages" | "manage_rooms" | "manage_groups" | "manage_roles" | "manage_events" | "create_polls" | "create_invites" | "moderate_members" | "ban_members" | "administrator" | "manage_community" | "pin_messages" | "manage_webhooks")[];
                    deny: ("view" | "send" | "attach" | "react" | "mention_everyone" | "manage_messages" | "manage_rooms" | "manage_groups" | "manage_roles" | "manage_events" | "create_polls" | "create_invites" | "moderate_members" | "ban_members" | "administrator" | "manage_community" | "pin_messages" | "manage_webhooks")[];
                };
            };
        };
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteRoomsByIdOverwritesByKindByTargetId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                kind: "role" | "member";
                targetId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdPermissions: {
        parameters: {
            query?: {
                groupId?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        permissions: string[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsByIdPermissions: {
        parameters: {
            query?: {
                userId?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        permissions: string[];
                        explain: {
                            level: string;
                            rule: string;
                            set: string[];
                            cleared: string[];
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getNotifications: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        notifications: {
                            id: string;
                            type: string;
                            targetType: string;
                            targetId: string;
                            actors: string[];
                            count: number;
                            data: unknown;
                            read: boolean;
                            /** Format: date-time */
                            readAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            latestAt: string;
                        }[];
                        unreadCount: number;
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postNotificationsRead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description a notification id: it and everything older is read; absent: all */
                    upTo?: string;
                };
            };
        };
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getNotificationsMutes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        kind: string;
                        id: string;
                        muted: boolean;
                        until: string | null;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putNotificationsMutesByKindById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: "room" | "group" | "community";
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    muted: boolean;
                    seconds?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        kind: string;
                        id: string;
                        muted: boolean;
                        until: string | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteNotificationsMutesByKindById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: "room" | "group" | "community";
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMediaBlobsByMediaIdByName: {
        parameters: {
            query?: {
                e?: string;
                n?: string;
                t?: string;
                d?: string;
                sig?: string;
            };
            header?: never;
            path: {
                mediaId: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the file, with the content type it was checked to be */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    putMediaBlobsByMediaIdByName: {
        parameters: {
            query?: {
                e?: string;
                n?: string;
                t?: string;
                d?: string;
                sig?: string;
            };
            header?: never;
            path: {
                mediaId: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description empty: the bytes are stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    getMediaByIdAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Location: a signed URL of the 400 px variant */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    postMediaUploads: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    filename: string;
                    /** @description e.g. image/png */
                    contentType: string;
                    /** @description bytes; the upload URL accepts exactly this many */
                    size: number;
                    /**
                     * @default attachment
                     * @enum {string}
                     */
                    purpose?: "attachment" | "avatar" | "community_icon" | "post";
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        media: {
                            id: string;
                            /**
                             * @default pending
                             * @enum {string}
                             */
                            status: "pending" | "processing" | "ready" | "failed";
                            /**
                             * @default attachment
                             * @enum {string}
                             */
                            purpose: "attachment" | "avatar" | "community_icon" | "post";
                            filename: string;
                            contentType: string;
                            size: number;
                            width?: number;
                            height?: number;
                            /** @description base64 ThumbHash placeholder */
                            thumbhash?: string;
                            /** @description signed and expiring: the largest variant of an image, the file itself otherwise */
                            url?: string;
                            variants: {
                                name: string;
                                url: string;
                                width: number;
                                height: number;
                                contentType: string;
                            }[];
                            error?: string;
                            /** Format: date-time */
                            createdAt: string;
                        };
                        upload: {
                            url: string;
                            /** @constant */
                            method: "PUT";
                            headers: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            expiresAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postMediaByIdComplete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 202 */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /**
                         * @default pending
                         * @enum {string}
                         */
                        status: "pending" | "processing" | "ready" | "failed";
                        /**
                         * @default attachment
                         * @enum {string}
                         */
                        purpose: "attachment" | "avatar" | "community_icon" | "post";
                        filename: string;
                        contentType: string;
                        size: number;
                        width?: number;
                        height?: number;
                        /** @description base64 ThumbHash placeholder */
                        thumbhash?: string;
                        /** @description signed and expiring: the largest variant of an image, the file itself otherwise */
                        url?: string;
                        variants: {
                            name: string;
                            url: string;
                            width: number;
                            height: number;
                            contentType: string;
                        }[];
                        error?: string;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMediaById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /**
                         * @default pending
                         * @enum {string}
                         */
                        status: "pending" | "processing" | "ready" | "failed";
                        /**
                         * @default attachment
                         * @enum {string}
                         */
                        purpose: "attachment" | "avatar" | "community_icon" | "post";
                        filename: string;
                        contentType: string;
                        size: number;
                        width?: number;
                        height?: number;
                        /** @description base64 ThumbHash placeholder */
                        thumbhash?: string;
                        /** @description signed and expiring: the largest variant of an image, the file itself otherwise */
                        url?: string;
                        variants: {
                            name: string;
                            url: string;
                            width: number;
                            height: number;
                            contentType: string;
                        }[];
                        error?: string;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putUsersMeAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description id */
                    mediaId: string | null;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        displayName: string | null;
                        avatarUrl: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        email: string;
                        isPlatformAdmin: boolean;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putCommunitiesByIdIcon: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description id */
                    mediaId: string | null;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        memberCount: number;
                        iconUrl: string | null;
                        createdAt: string;
                        owners?: string[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdAutomodRules: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        trigger: {
                            /** @constant */
                            kind: "keywords";
                            terms: string[];
                            allow?: string[];
                            wholeWord?: boolean;
                        } | {
                            /** @constant */
                            kind: "regex";
                            patterns: string[];
                        } | {
                            /** @constant */
                            kind: "links";
                            allowDomains?: string[];
                            blockInvites?: boolean;
                        } | {
                            /** @constant */
                            kind: "mention_spam";
                            maxMentions: number;
                        } | {
                            /** @constant */
                            kind: "flood";
                            maxRepeats: number;
                            windowSeconds: number;
                        };
                        action: {
                            /** @constant */
                            kind: "block";
                            message?: string;
                        } | {
                            /** @constant */
                            kind: "flag";
                        } | {
                            /** @constant */
                            kind: "timeout";
                            seconds: number;
                        };
                        exemptRoles: string[];
                        exemptRooms: string[];
                        enabled: boolean;
                        dryRun: boolean;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdAutomodRules: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    trigger: {
                        /** @constant */
                        kind: "keywords";
                        terms: string[];
                        allow?: string[];
                        wholeWord?: boolean;
                    } | {
                        /** @constant */
                        kind: "regex";
                        patterns: string[];
                    } | {
                        /** @constant */
                        kind: "links";
                        allowDomains?: string[];
                        blockInvites?: boolean;
                    } | {
                        /** @constant */
                        kind: "mention_spam";
                        maxMentions: number;
                    } | {
                        /** @constant */
                        kind: "flood";
                        maxRepeats: number;
                        windowSeconds: number;
                    };
                    action: {
                        /** @constant */
                        kind: "block";
                        message?: string;
                    } | {
                        /** @constant */
                        kind: "flag";
                    } | {
                        /** @constant */
                        kind: "timeout";
                        seconds: number;
                    };
                    exemptRoles?: string[];
                    exemptRooms?: string[];
                    enabled?: boolean;
                    dryRun?: boolean;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        trigger: {
                            /** @constant */
                            kind: "keywords";
                            terms: string[];
                            allow?: string[];
                            wholeWord?: boolean;
                        } | {
                            /** @constant */
                            kind: "regex";
                            patterns: string[];
                        } | {
                            /** @constant */
                            kind: "links";
                            allowDomains?: string[];
                            blockInvites?: boolean;
                        } | {
                            /** @constant */
                            kind: "mention_spam";
                            maxMentions: number;
                        } | {
                            /** @constant */
                            kind: "flood";
                            maxRepeats: number;
                            windowSeconds: number;
                        };
                        action: {
                            /** @constant */
                            kind: "block";
                            message?: string;
                        } | {
                            /** @constant */
                            kind: "flag";
                        } | {
                            /** @constant */
                            kind: "timeout";
                            seconds: number;
                        };
                        exemptRoles: string[];
                        exemptRooms: string[];
                        enabled: boolean;
                        dryRun: boolean;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getAutomodRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        trigger: {
                            /** @constant */
                            kind: "keywords";
                            terms: string[];
                            allow?: string[];
                            wholeWord?: boolean;
                        } | {
                            /** @constant */
                            kind: "regex";
                            patterns: string[];
                        } | {
                            /** @constant */
                            kind: "links";
                            allowDomains?: string[];
                            blockInvites?: boolean;
                        } | {
                            /** @constant */
                            kind: "mention_spam";
                            maxMentions: number;
                        } | {
                            /** @constant */
                            kind: "flood";
                            maxRepeats: number;
                            windowSeconds: number;
                        };
                        action: {
                            /** @constant */
                            kind: "block";
                            message?: string;
                        } | {
                            /** @constant */
                            kind: "flag";
                        } | {
                            /** @constant */
                            kind: "timeout";
                            seconds: number;
                        };
                        exemptRoles: string[];
                        exemptRooms: string[];
                        enabled: boolean;
                        dryRun: boolean;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteAutomodRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchAutomodRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    trigger?: {
                        /** @constant */
                        kind: "keywords";
                        terms: string[];
                        allow?: string[];
                        wholeWord?: boolean;
                    } | {
                        /** @constant */
                        kind: "regex";
                        patterns: string[];
                    } | {
                        /** @constant */
                        kind: "links";
                        allowDomains?: string[];
                        blockInvites?: boolean;
                    } | {
                        /** @constant */
                        kind: "mention_spam";
                        maxMentions: number;
                    } | {
                        /** @constant */
                        kind: "flood";
                        maxRepeats: number;
                        windowSeconds: number;
                    };
                    action?: {
                        /** @constant */
                        kind: "block";
                        message?: string;
                    } | {
                        /** @constant */
                        kind: "flag";
                    } | {
                        /** @constant */
                        kind: "timeout";
                        seconds: number;
                    };
                    exemptRoles?: string[];
                    exemptRooms?: string[];
                    enabled?: boolean;
                    dryRun?: boolean;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        name: string;
                        trigger: {
                            /** @constant */
                            kind: "keywords";
                            terms: string[];
                            allow?: string[];
                            wholeWord?: boolean;
                        } | {
                            /** @constant */
                            kind: "regex";
                            patterns: string[];
                        } | {
                            /** @constant */
                            kind: "links";
                            allowDomains?: string[];
                            blockInvites?: boolean;
                        } | {
                            /** @constant */
                            kind: "mention_spam";
                            maxMentions: number;
                        } | {
                            /** @constant */
                            kind: "flood";
                            maxRepeats: number;
                            windowSeconds: number;
                        };
                        action: {
                            /** @constant */
                            kind: "block";
                            message?: string;
                        } | {
                            /** @constant */
                            kind: "flag";
                        } | {
                            /** @constant */
                            kind: "timeout";
                            seconds: number;
                        };
                        exemptRoles: string[];
                        exemptRooms: string[];
                        enabled: boolean;
                        dryRun: boolean;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postReports: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    target: {
                        /**
                         * @default message
                         * @enum {string}
                         */
                        kind: "message" | "post" | "comment" | "user";
                        /** @description id */
                        id: string;
                        /** @description id */
                        communityId?: string;
                    };
                    /**
                     * @default spam
                     * @enum {string}
                     */
                    reason: "spam" | "harassment" | "hate" | "sexual" | "violence" | "self_harm" | "misinformation" | "other";
                    details?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        target: {
                            kind: string;
                            id: string;
                        };
                        status: string;
                        createdAt: string;
                    };
                };
            };
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        target: {
                            kind: string;
                            id: string;
                        };
                        status: string;
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdReports: {
        parameters: {
            query?: {
                status?: "open" | "resolved" | "dismissed";
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        reports: {
                            id: string;
                            communityId: string;
                            target: {
                                kind: string;
                                id: string;
                                roomId: string | null;
                                authorId: string | null;
                                preview: string | null;
                            };
                            status: string;
                            reporterCount: number;
                            reasons: {
                                reason: string;
                                count: number;
                            }[];
                            rule: {
                                id: string | null;
                                name: string;
                            } | null;
                            resolution: {
                                action: string;
                                note: string | null;
                                resolvedBy: string | null;
                                resolvedAt: string;
                            } | null;
                            createdAt: string;
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postReportsByIdResolve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @default dismiss
                     * @enum {string}
                     */
                    action: "dismiss" | "delete" | "timeout" | "ban";
                    durationSeconds?: number;
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        target: {
                            kind: string;
                            id: string;
                            roomId: string | null;
                            authorId: string | null;
                            preview: string | null;
                        };
                        status: string;
                        reporterCount: number;
                        reasons: {
                            reason: string;
                            count: number;
                        }[];
                        rule: {
                            id: string | null;
                            name: string;
                        } | null;
                        resolution: {
                            action: string;
                            note: string | null;
                            resolvedBy: string | null;
                            resolvedAt: string;
                        } | null;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putUsersByIdFollow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        following: boolean;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteUsersByIdFollow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        following: boolean;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getUsersByIdFollowers: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        users: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getUsersByIdFollowing: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        users: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putUsersByIdBlock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteUsersByIdBlock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMeBlocks: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        users: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getUsersByIdProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        username: string;
                        displayName: string | null;
                        avatarUrl: string | null;
                        followers: number;
                        following: number;
                        posts: number;
                        relationship: {
                            following: boolean;
                            followedBy: boolean;
                            blocking: boolean;
                        };
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getUsersByIdPosts: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        posts: {
                            id: string;
                            authorId: string;
                            author: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                avatarUrl: string | null;
                            };
                            body: string;
                            /** @enum {string} */
                            visibility: "public" | "followers";
                            attachments: string[];
                            /** Format: date-time */
                            createdAt: string;
                            likes: number;
                            comments: number;
                            likedByMe: boolean;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postPosts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body: string;
                    attachments?: string[];
                    /** @enum {string} */
                    visibility?: "public" | "followers";
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        authorId: string;
                        author: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                        };
                        body: string;
                        /** @enum {string} */
                        visibility: "public" | "followers";
                        attachments: string[];
                        /** Format: date-time */
                        createdAt: string;
                        likes: number;
                        comments: number;
                        likedByMe: boolean;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getPostsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        authorId: string;
                        author: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                        };
                        body: string;
                        /** @enum {string} */
                        visibility: "public" | "followers";
                        attachments: string[];
                        /** Format: date-time */
                        createdAt: string;
                        likes: number;
                        comments: number;
                        likedByMe: boolean;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deletePostsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putPostsByIdLike: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deletePostsByIdLike: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getPostsByIdComments: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        comments: {
                            id: string;
                            postId: string;
                            authorId: string;
                            author: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                avatarUrl: string | null;
                            };
                            body: string;
                            attachments: string[];
                            replyTo: string | null;
                            replies: number;
                            /** Format: date-time */
                            createdAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postPostsByIdComments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body: string;
                    attachments?: string[];
                    /** @description id */
                    replyTo?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        postId: string;
                        authorId: string;
                        author: {
                            id: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                        };
                        body: string;
                        attachments: string[];
                        replyTo: string | null;
                        replies: number;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommentsByIdReplies: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        comments: {
                            id: string;
                            postId: string;
                            authorId: string;
                            author: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                avatarUrl: string | null;
                            };
                            body: string;
                            attachments: string[];
                            replyTo: string | null;
                            replies: number;
                            /** Format: date-time */
                            createdAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteCommentsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getFeed: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        posts: {
                            id: string;
                            authorId: string;
                            author: {
                                id: string;
                                username: string;
                                displayName: string | null;
                                avatarUrl: string | null;
                            };
                            body: string;
                            /** @enum {string} */
                            visibility: "public" | "followers";
                            attachments: string[];
                            /** Format: date-time */
                            createdAt: string;
                            likes: number;
                            comments: number;
                            likedByMe: boolean;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdTree: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        communityId: string;
                        groups: components["schemas"]["TreeGroup"][];
                        rooms: {
                            id: string;
                            communityId: string | null;
                            groupId: string | null;
                            /** @enum {string} */
                            kind: "text" | "private" | "dm" | "group_dm";
                            name: string | null;
                            topic: string | null;
                            position: number;
                            slowModeSeconds: number;
                            memberCount: number;
                            createdAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdGroups: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description id */
                    parentId?: string;
                    position?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        parentId: string | null;
                        name: string;
                        position: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getGroupsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        parentId: string | null;
                        name: string;
                        position: number;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteGroupsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchGroupsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** @description id */
                    parentId?: string | null;
                    position?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        parentId: string | null;
                        name: string;
                        position: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdRooms: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description id */
                    groupId?: string;
                    private?: boolean;
                    topic?: string;
                    position?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string | null;
                        groupId: string | null;
                        /** @enum {string} */
                        kind: "text" | "private" | "dm" | "group_dm";
                        name: string | null;
                        topic: string | null;
                        position: number;
                        slowModeSeconds: number;
                        memberCount: number;
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string | null;
                        groupId: string | null;
                        /** @enum {string} */
                        kind: "text" | "private" | "dm" | "group_dm";
                        name: string | null;
                        topic: string | null;
                        position: number;
                        slowModeSeconds: number;
                        memberCount: number;
                        createdAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteRoomsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchRoomsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    topic?: string | null;
                    /** @description id */
                    groupId?: string | null;
                    position?: number;
                    slowModeSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string | null;
                        groupId: string | null;
                        /** @enum {string} */
                        kind: "text" | "private" | "dm" | "group_dm";
                        name: string | null;
                        topic: string | null;
                        position: number;
                        slowModeSeconds: number;
                        memberCount: number;
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsByIdMembers: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        members: {
                            userId: string;
                            username: string;
                            displayName: string | null;
                            avatarUrl: string | null;
                            /** @description when they were added (private rooms, DMs and group DMs; a public room has no list of its own) */
                            addedAt?: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postRoomsByIdMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description id */
                    userId: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        roomId: string;
                        userId: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteRoomsByIdMembersByUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getDms: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string | null;
                        groupId: string | null;
                        /** @enum {string} */
                        kind: "text" | "private" | "dm" | "group_dm";
                        name: string | null;
                        topic: string | null;
                        position: number;
                        slowModeSeconds: number;
                        memberCount: number;
                        createdAt: string;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postDms: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    userIds: string[];
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string | null;
                        groupId: string | null;
                        /** @enum {string} */
                        kind: "text" | "private" | "dm" | "group_dm";
                        name: string | null;
                        topic: string | null;
                        position: number;
                        slowModeSeconds: number;
                        memberCount: number;
                        createdAt: string;
                        created: boolean;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsByIdMessages: {
        parameters: {
            query?: {
                before?: number;
                after?: number;
                around?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        messages: {
                            id: string;
                            roomId: string;
                            seq: number;
                            authorId: string;
                            nonce: string;
                            body: string;
                            replyTo: string | null;
                            threadRootId: string | null;
                            attachments: string[];
                            /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                            attachmentInfo?: {
                                id: string;
                                /**
                                 * @default pending
                                 * @enum {string}
                                 */
                                status: "pending" | "processing" | "ready" | "failed";
                                contentType: string;
                                filename: string;
                                size: number;
                                width?: number;
                                height?: number;
                                thumbhash?: string;
                            }[];
                            mentions: string[];
                            mentionEveryone: boolean;
                            /** @enum {string} */
                            kind: "text" | "poll" | "survey";
                            pollId?: string;
                            surveyId?: string;
                            poll?: {
                                id: string;
                                roomId: string;
                                authorId: string | null;
                                question: string;
                                multiple: boolean;
                                maxChoices: number;
                                anonymous: boolean;
                                /** @enum {string} */
                                resultsVisibility: "always" | "after_vote" | "after_close";
                                allowChange: boolean;
                                quiz: boolean;
                                closesAt: string | null;
                                options: {
                                    id: string;
                                    text: string;
                                }[];
                            };
                            reactions: {
                                emoji: string;
                                count: number;
                                /** @description whether you reacted so (REST answers; live events leave it out) */
                                me?: boolean;
                            }[];
                            /** @description on a send: true when this nonce was sent before and this is the first answer again */
                            duplicate?: boolean;
                            createdAt: string;
                            editedAt: string | null;
                            deletedAt: string | null;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postRoomsByIdMessages: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body: string;
                    nonce: string;
                    /** @description id */
                    replyTo?: string;
                    attachments?: string[];
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        seq: number;
                        authorId: string;
                        nonce: string;
                        body: string;
                        replyTo: string | null;
                        threadRootId: string | null;
                        attachments: string[];
                        /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                        attachmentInfo?: {
                            id: string;
                            /**
                             * @default pending
                             * @enum {string}
                             */
                            status: "pending" | "processing" | "ready" | "failed";
                            contentType: string;
                            filename: string;
                            size: number;
                            width?: number;
                            height?: number;
                            thumbhash?: string;
                        }[];
                        mentions: string[];
                        mentionEveryone: boolean;
                        /** @enum {string} */
                        kind: "text" | "poll" | "survey";
                        pollId?: string;
                        surveyId?: string;
                        poll?: {
                            id: string;
                            roomId: string;
                            authorId: string | null;
                            question: string;
                            multiple: boolean;
                            maxChoices: number;
                            anonymous: boolean;
                            /** @enum {string} */
                            resultsVisibility: "always" | "after_vote" | "after_close";
                            allowChange: boolean;
                            quiz: boolean;
                            closesAt: string | null;
                            options: {
                                id: string;
                                text: string;
                            }[];
                        };
                        reactions: {
                            emoji: string;
                            count: number;
                            /** @description whether you reacted so (REST answers; live events leave it out) */
                            me?: boolean;
                        }[];
                        /** @description on a send: true when this nonce was sent before and this is the first answer again */
                        duplicate?: boolean;
                        createdAt: string;
                        editedAt: string | null;
                        deletedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMessagesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        seq: number;
                        authorId: string;
                        nonce: string;
                        body: string;
                        replyTo: string | null;
                        threadRootId: string | null;
                        attachments: string[];
                        /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                        attachmentInfo?: {
                            id: string;
                            /**
                             * @default pending
                             * @enum {string}
                             */
                            status: "pending" | "processing" | "ready" | "failed";
                            contentType: string;
                            filename: string;
                            size: number;
                            width?: number;
                            height?: number;
                            thumbhash?: string;
                        }[];
                        mentions: string[];
                        mentionEveryone: boolean;
                        /** @enum {string} */
                        kind: "text" | "poll" | "survey";
                        pollId?: string;
                        surveyId?: string;
                        poll?: {
                            id: string;
                            roomId: string;
                            authorId: string | null;
                            question: string;
                            multiple: boolean;
                            maxChoices: number;
                            anonymous: boolean;
                            /** @enum {string} */
                            resultsVisibility: "always" | "after_vote" | "after_close";
                            allowChange: boolean;
                            quiz: boolean;
                            closesAt: string | null;
                            options: {
                                id: string;
                                text: string;
                            }[];
                        };
                        reactions: {
                            emoji: string;
                            count: number;
                            /** @description whether you reacted so (REST answers; live events leave it out) */
                            me?: boolean;
                        }[];
                        /** @description on a send: true when this nonce was sent before and this is the first answer again */
                        duplicate?: boolean;
                        createdAt: string;
                        editedAt: string | null;
                        deletedAt: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteMessagesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchMessagesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        seq: number;
                        authorId: string;
                        nonce: string;
                        body: string;
                        replyTo: string | null;
                        threadRootId: string | null;
                        attachments: string[];
                        /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                        attachmentInfo?: {
                            id: string;
                            /**
                             * @default pending
                             * @enum {string}
                             */
                            status: "pending" | "processing" | "ready" | "failed";
                            contentType: string;
                            filename: string;
                            size: number;
                            width?: number;
                            height?: number;
                            thumbhash?: string;
                        }[];
                        mentions: string[];
                        mentionEveryone: boolean;
                        /** @enum {string} */
                        kind: "text" | "poll" | "survey";
                        pollId?: string;
                        surveyId?: string;
                        poll?: {
                            id: string;
                            roomId: string;
                            authorId: string | null;
                            question: string;
                            multiple: boolean;
                            maxChoices: number;
                            anonymous: boolean;
                            /** @enum {string} */
                            resultsVisibility: "always" | "after_vote" | "after_close";
                            allowChange: boolean;
                            quiz: boolean;
                            closesAt: string | null;
                            options: {
                                id: string;
                                text: string;
                            }[];
                        };
                        reactions: {
                            emoji: string;
                            count: number;
                            /** @description whether you reacted so (REST answers; live events leave it out) */
                            me?: boolean;
                        }[];
                        /** @description on a send: true when this nonce was sent before and this is the first answer again */
                        duplicate?: boolean;
                        createdAt: string;
                        editedAt: string | null;
                        deletedAt: string | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMessagesByIdThread: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        root: {
                            id: string;
                            roomId: string;
                            seq: number;
                            authorId: string;
                            nonce: string;
                            body: string;
                            replyTo: string | null;
                            threadRootId: string | null;
                            attachments: string[];
                            /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                            attachmentInfo?: {
                                id: string;
                                /**
                                 * @default pending
                                 * @enum {string}
                                 */
                                status: "pending" | "processing" | "ready" | "failed";
                                contentType: string;
                                filename: string;
                                size: number;
                                width?: number;
                                height?: number;
                                thumbhash?: string;
                            }[];
                            mentions: string[];
                            mentionEveryone: boolean;
                            /** @enum {string} */
                            kind: "text" | "poll" | "survey";
                            pollId?: string;
                            surveyId?: string;
                            poll?: {
                                id: string;
                                roomId: string;
                                authorId: string | null;
                                question: string;
                                multiple: boolean;
                                maxChoices: number;
                                anonymous: boolean;
                                /** @enum {string} */
                                resultsVisibility: "always" | "after_vote" | "after_close";
                                allowChange: boolean;
                                quiz: boolean;
                                closesAt: string | null;
                                options: {
                                    id: string;
                                    text: string;
                                }[];
                            };
                            reactions: {
                                emoji: string;
                                count: number;
                                /** @description whether you reacted so (REST answers; live events leave it out) */
                                me?: boolean;
                            }[];
                            /** @description on a send: true when this nonce was sent before and this is the first answer again */
                            duplicate?: boolean;
                            createdAt: string;
                            editedAt: string | null;
                            deletedAt: string | null;
                        };
                        replies: {
                            id: string;
                            roomId: string;
                            seq: number;
                            authorId: string;
                            nonce: string;
                            body: string;
                            replyTo: string | null;
                            threadRootId: string | null;
                            attachments: string[];
                            /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                            attachmentInfo?: {
                                id: string;
                                /**
                                 * @default pending
                                 * @enum {string}
                                 */
                                status: "pending" | "processing" | "ready" | "failed";
                                contentType: string;
                                filename: string;
                                size: number;
                                width?: number;
                                height?: number;
                                thumbhash?: string;
                            }[];
                            mentions: string[];
                            mentionEveryone: boolean;
                            /** @enum {string} */
                            kind: "text" | "poll" | "survey";
                            pollId?: string;
                            surveyId?: string;
                            poll?: {
                                id: string;
                                roomId: string;
                                authorId: string | null;
                                question: string;
                                multiple: boolean;
                                maxChoices: number;
                                anonymous: boolean;
                                /** @enum {string} */
                                resultsVisibility: "always" | "after_vote" | "after_close";
                                allowChange: boolean;
                                quiz: boolean;
                                closesAt: string | null;
                                options: {
                                    id: string;
                                    text: string;
                                }[];
                            };
                            reactions: {
                                emoji: string;
                                count: number;
                                /** @description whether you reacted so (REST answers; live events leave it out) */
                                me?: boolean;
                            }[];
                            /** @description on a send: true when this nonce was sent before and this is the first answer again */
                            duplicate?: boolean;
                            createdAt: string;
                            editedAt: string | null;
                            deletedAt: string | null;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putMessagesByIdReactionsByEmoji: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                emoji: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteMessagesByIdReactionsByEmoji: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                emoji: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postRoomsByIdRead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    seq: number;
                };
            };
        };
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMeUnread: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        rooms: {
                            roomId: string;
                            unread: number;
                            mentions: number;
                            lastSeq: number;
                            readSeq: number;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsByIdPins: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        messageId: string;
                        pinnedBy: string | null;
                        pinnedAt: string;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putRoomsByIdPinsByMessageId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteRoomsByIdPinsByMessageId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getPresence: {
        parameters: {
            query: {
                userIds: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        userId: string;
                        status: string;
                        lastSeenAt: string | null;
                    }[];
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postRoomsByIdPolls: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    question: string;
                    options: string[];
                    multiple?: boolean;
                    maxChoices?: number;
                    anonymous?: boolean;
                    /** @enum {string} */
                    resultsVisibility?: "always" | "after_vote" | "after_close";
                    allowChange?: boolean;
                    quiz?: {
                        correctOption: number;
                        explanation?: string;
                    };
                    /** Format: date-time */
                    closesAt?: string;
                    nonce?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        poll: {
                            id: string;
                            roomId: string;
                            authorId: string | null;
                            question: string;
                            multiple: boolean;
                            maxChoices: number;
                            anonymous: boolean;
                            /** @enum {string} */
                            resultsVisibility: "always" | "after_vote" | "after_close";
                            allowChange: boolean;
                            quiz: boolean;
                            closesAt: string | null;
                            messageId: string;
                            seq: number;
                            options: {
                                id: string;
                                text: string;
                                votes?: number;
                            }[];
                            voters?: number;
                            countsVisible: boolean;
                            myChoices: string[];
                            closed: boolean;
                            closedAt: string | null;
                            correctOption?: string;
                            explanation?: string | null;
                            version?: number;
                            createdAt: string;
                        };
                        message: {
                            id: string;
                            roomId: string;
                            seq: number;
                            authorId: string;
                            nonce: string;
                            body: string;
                            replyTo: string | null;
                            threadRootId: string | null;
                            attachments: string[];
                            /** @description the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id) */
                            attachmentInfo?: {
                                id: string;
                                /**
                                 * @default pending
                                 * @enum {string}
                                 */
                                status: "pending" | "processing" | "ready" | "failed";
                                contentType: string;
                                filename: string;
                                size: number;
                                width?: number;
                                height?: number;
                                thumbhash?: string;
                            }[];
                            mentions: string[];
                            mentionEveryone: boolean;
                            /** @enum {string} */
                            kind: "text" | "poll" | "survey";
                            pollId?: string;
                            surveyId?: string;
                            poll?: {
                                id: string;
                                roomId: string;
                                authorId: string | null;
                                question: string;
                                multiple: boolean;
                                maxChoices: number;
                                anonymous: boolean;
                                /** @enum {string} */
                                resultsVisibility: "always" | "after_vote" | "after_close";
                                allowChange: boolean;
                                quiz: boolean;
                                closesAt: string | null;
                                options: {
                                    id: string;
                                    text: string;
                                }[];
                            };
                            reactions: {
                                emoji: string;
                                count: number;
                                /** @description whether you reacted so (REST answers; live events leave it out) */
                                me?: boolean;
                            }[];
                            /** @description on a send: true when this nonce was sent before and this is the first answer again */
                            duplicate?: boolean;
                            createdAt: string;
                            editedAt: string | null;
                            deletedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getPollsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        authorId: string | null;
                        question: string;
                        multiple: boolean;
                        maxChoices: number;
                        anonymous: boolean;
                        /** @enum {string} */
                        resultsVisibility: "always" | "after_vote" | "after_close";
                        allowChange: boolean;
                        quiz: boolean;
                        closesAt: string | null;
                        messageId: string;
                        seq: number;
                        options: {
                            id: string;
                            text: string;
                            votes?: number;
                        }[];
                        voters?: number;
                        countsVisible: boolean;
                        myChoices: string[];
                        closed: boolean;
                        closedAt: string | null;
                        correctOption?: string;
                        explanation?: string | null;
                        version?: number;
                        createdAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putPollsByIdVote: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    choices: string[];
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        authorId: string | null;
                        question: string;
                        multiple: boolean;
                        maxChoices: number;
                        anonymous: boolean;
                        /** @enum {string} */
                        resultsVisibility: "always" | "after_vote" | "after_close";
                        allowChange: boolean;
                        quiz: boolean;
                        closesAt: string | null;
                        messageId: string;
                        seq: number;
                        options: {
                            id: string;
                            text: string;
                            votes?: number;
                        }[];
                        voters?: number;
                        countsVisible: boolean;
                        myChoices: string[];
                        closed: boolean;
                        closedAt: string | null;
                        correctOption?: string;
                        explanation?: string | null;
                        version?: number;
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postPollsByIdClose: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        authorId: string | null;
                        question: string;
                        multiple: boolean;
                        maxChoices: number;
                        anonymous: boolean;
                        /** @enum {string} */
                        resultsVisibility: "always" | "after_vote" | "after_close";
                        allowChange: boolean;
                        quiz: boolean;
                        closesAt: string | null;
                        messageId: string;
                        seq: number;
                        options: {
                            id: string;
                            text: string;
                            votes?: number;
                        }[];
                        voters?: number;
                        countsVisible: boolean;
                        myChoices: string[];
                        closed: boolean;
                        closedAt: string | null;
                        correctOption?: string;
                        explanation?: string | null;
                        version?: number;
                        createdAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getPollsByIdVoters: {
        parameters: {
            query?: {
                option?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        voters: {
                            userId: string;
                            choices: string[];
                            votedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdSurveys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        surveys: {
                            id: string;
                            communityId: string;
                            groupId: string | null;
                            authorId: string | null;
                            title: string;
                            description: string | null;
                            questions: {
                                id: string;
                                /** @enum {string} */
                                kind: "single" | "multiple" | "text" | "scale" | "date";
                                prompt: string;
                                required: boolean;
                                options?: {
                                    id: string;
                                    text: string;
                                }[];
                                min?: number;
                                max?: number;
                                maxLength?: number;
                            }[];
                            anonymous: boolean;
                            resultsForRespondents: boolean;
                            roomId: string | null;
                            messageId: string | null;
                            closesAt: string | null;
                            closed: boolean;
                            closedAt: string | null;
                            createdAt: string;
                            canManage: boolean;
                            myResponse: {
                                answers: {
                                    [key: string]: string | number | string[];
                                };
                                submittedAt: string;
                                updatedAt: string;
                            } | null;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdSurveys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title: string;
                    description?: string;
                    questions: {
                        id: string;
                        /** @enum {string} */
                        kind: "single" | "multiple" | "text" | "scale" | "date";
                        prompt: string;
                        required?: boolean;
                        options?: string[];
                        min?: number;
                        max?: number;
                        maxLength?: number;
                    }[];
                    /** @description id */
                    groupId?: string;
                    /** @description id */
                    roomId?: string;
                    anonymous?: boolean;
                    resultsForRespondents?: boolean;
                    /** Format: date-time */
                    closesAt?: string;
                    nonce?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        authorId: string | null;
                        title: string;
                        description: string | null;
                        questions: {
                            id: string;
                            /** @enum {string} */
                            kind: "single" | "multiple" | "text" | "scale" | "date";
                            prompt: string;
                            required: boolean;
                            options?: {
                                id: string;
                                text: string;
                            }[];
                            min?: number;
                            max?: number;
                            maxLength?: number;
                        }[];
                        anonymous: boolean;
                        resultsForRespondents: boolean;
                        roomId: string | null;
                        messageId: string | null;
                        closesAt: string | null;
                        closed: boolean;
                        closedAt: string | null;
                        createdAt: string;
                        canManage: boolean;
                        myResponse: {
                            answers: {
                                [key: string]: string | number | string[];
                            };
                            submittedAt: string;
                            updatedAt: string;
                        } | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getSurveysById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        authorId: string | null;
                        title: string;
                        description: string | null;
                        questions: {
                            id: string;
                            /** @enum {string} */
                            kind: "single" | "multiple" | "text" | "scale" | "date";
                            prompt: string;
                            required: boolean;
                            options?: {
                                id: string;
                                text: string;
                            }[];
                            min?: number;
                            max?: number;
                            maxLength?: number;
                        }[];
                        anonymous: boolean;
                        resultsForRespondents: boolean;
                        roomId: string | null;
                        messageId: string | null;
                        closesAt: string | null;
                        closed: boolean;
                        closedAt: string | null;
                        createdAt: string;
                        canManage: boolean;
                        myResponse: {
                            answers: {
                                [key: string]: string | number | string[];
                            };
                            submittedAt: string;
                            updatedAt: string;
                        } | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putSurveysByIdResponse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    answers: {
                        [key: string]: string | number | string[];
                    };
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        authorId: string | null;
                        title: string;
                        description: string | null;
                        questions: {
                            id: string;
                            /** @enum {string} */
                            kind: "single" | "multiple" | "text" | "scale" | "date";
                            prompt: string;
                            required: boolean;
                            options?: {
                                id: string;
                                text: string;
                            }[];
                            min?: number;
                            max?: number;
                            maxLength?: number;
                        }[];
                        anonymous: boolean;
                        resultsForRespondents: boolean;
                        roomId: string | null;
                        messageId: string | null;
                        closesAt: string | null;
                        closed: boolean;
                        closedAt: string | null;
                        createdAt: string;
                        canManage: boolean;
                        myResponse: {
                            answers: {
                                [key: string]: string | number | string[];
                            };
                            submittedAt: string;
                            updatedAt: string;
                        } | null;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postSurveysByIdClose: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        authorId: string | null;
                        title: string;
                        description: string | null;
                        questions: {
                            id: string;
                            /** @enum {string} */
                            kind: "single" | "multiple" | "text" | "scale" | "date";
                            prompt: string;
                            required: boolean;
                            options?: {
                                id: string;
                                text: string;
                            }[];
                            min?: number;
                            max?: number;
                            maxLength?: number;
                        }[];
                        anonymous: boolean;
                        resultsForRespondents: boolean;
                        roomId: string | null;
                        messageId: string | null;
                        closesAt: string | null;
                        closed: boolean;
                        closedAt: string | null;
                        createdAt: string;
                        canManage: boolean;
                        myResponse: {
                            answers: {
                                [key: string]: string | number | string[];
                            };
                            submittedAt: string;
                            updatedAt: string;
                        } | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getSurveysByIdResults: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        respondents: number;
                        questions: {
                            id: string;
                            /** @enum {string} */
                            kind: "single" | "multiple" | "text" | "scale" | "date";
                            answers: number;
                            counts?: {
                                [key: string]: number;
                            };
                            mean?: number | null;
                            distribution?: {
                                [key: string]: number;
                            };
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getSurveysByIdResponsesCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/csv (RFC 4180), one row per response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postHooksByIdByToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 202 */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                    };
                };
            };
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    getWebhooksEventTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        types: {
                            type: string;
                            description: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        webhooks: {
                            id: string;
                            communityId: string;
                            url: string;
                            events: string[];
                            description: string;
                            enabled: boolean;
                            disabledReason: string | null;
                            /** Format: date-time */
                            failingSince: string | null;
                            /** Format: date-time */
                            previousSecretUntil: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description https URL of the receiver */
                    url: string;
                    events: string[];
                    description?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        url: string;
                        events: string[];
                        description: string;
                        enabled: boolean;
                        disabledReason: string | null;
                        /** Format: date-time */
                        failingSince: string | null;
                        /** Format: date-time */
                        previousSecretUntil: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        /** @description shown once */
                        secret: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        url: string;
                        events: string[];
                        description: string;
                        enabled: boolean;
                        disabledReason: string | null;
                        /** Format: date-time */
                        failingSince: string | null;
                        /** Format: date-time */
                        previousSecretUntil: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description https URL of the receiver */
                    url?: string;
                    events?: string[];
                    enabled?: boolean;
                    description?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        url: string;
                        events: string[];
                        description: string;
                        enabled: boolean;
                        disabledReason: string | null;
                        /** Format: date-time */
                        failingSince: string | null;
                        /** Format: date-time */
                        previousSecretUntil: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postWebhooksByIdRotateSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        secret: string;
                        /** Format: date-time */
                        previousSecretUntil: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getWebhooksByIdDeliveries: {
        parameters: {
            query?: {
                status?: "pending" | "succeeded" | "failed";
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveries: {
                            id: string;
                            eventId: string;
                            eventType: string;
                            /** @enum {string} */
                            status: "pending" | "succeeded" | "failed";
                            attempts: number;
                            lastStatusCode: number | null;
                            lastError: string | null;
                            /** Format: date-time */
                            nextAttemptAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                            attemptLog: {
                                attempt: number;
                                /** Format: date-time */
                                at: string;
                                statusCode: number | null;
                                error: string | null;
                                latencyMs: number;
                                responseExcerpt: string | null;
                            }[];
                            /** @description true when you cannot view the room or group the event happened in: the row is shown, what the receiver answered (responseExcerpt, which may echo the event) is null */
                            hidden: boolean;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postWebhooksByIdDeliveriesByDeliveryIdRetry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 202 */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postWebhooksByIdRecover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    since: string;
                };
            };
        };
        responses: {
            /** @description Response for status 202 */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsByIdIncomingWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hooks: {
                            id: string;
                            roomId: string;
                            name: string;
                            botUserId: string;
                            /** @enum {string} */
                            verify: "token" | "standard" | "github" | "stripe";
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postRoomsByIdIncomingWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    verify?: "token" | "standard" | "github" | "stripe";
                    secret?: string;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        name: string;
                        botUserId: string;
                        /** @enum {string} */
                        verify: "token" | "standard" | "github" | "stripe";
                        enabled: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        /** @description shown once: the token in it is the credential */
                        url: string;
                        secret?: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteIncomingWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchIncomingWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    enabled?: boolean;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        roomId: string;
                        name: string;
                        botUserId: string;
                        /** @enum {string} */
                        verify: "token" | "standard" | "github" | "stripe";
                        enabled: boolean;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCalendarByFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/calendar (RFC 5545) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    postCommunitiesByIdEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title: string;
                    description?: string;
                    location?: string;
                    /** @description id */
                    groupId?: string;
                    /** @description id */
                    roomId?: string;
                    /** @description local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay */
                    start: string;
                    /** @description local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay */
                    end?: string;
                    durationMinutes?: number;
                    /** @description IANA time zone, e.g. Europe/London */
                    timeZone: string;
                    allDay?: boolean;
                    /** @description RFC 5545 RRULE value, UNTIL in UTC */
                    rrule?: string;
                    exdates?: string[];
                    rdates?: string[];
                    capacity?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 201 */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        roomId: string | null;
                        title: string;
                        description: string | null;
                        location: string | null;
                        start: string;
                        end: string;
                        durationMinutes: number;
                        timeZone: string;
                        allDay: boolean;
                        rrule: string | null;
                        exdates: string[];
                        rdates: string[];
                        capacity: number | null;
                        version: number;
                        previousId: string | null;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getEventsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        roomId: string | null;
                        title: string;
                        description: string | null;
                        location: string | null;
                        start: string;
                        end: string;
                        durationMinutes: number;
                        timeZone: string;
                        allDay: boolean;
                        rrule: string | null;
                        exdates: string[];
                        rdates: string[];
                        capacity: number | null;
                        version: number;
                        previousId: string | null;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteEventsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchEventsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @constant */
                    scope: "all";
                    title?: string;
                    description?: string | null;
                    location?: string | null;
                    /** @description local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay */
                    start?: string;
                    /** @description local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay */
                    end?: string;
                    durationMinutes?: number;
                    /** @description IANA time zone, e.g. Europe/London */
                    timeZone?: string;
                    allDay?: boolean;
                    /** @description RFC 5545 RRULE value, UNTIL in UTC */
                    rrule?: string | null;
                    exdates?: string[];
                    rdates?: string[];
                    capacity?: number | null;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        communityId: string;
                        groupId: string | null;
                        roomId: string | null;
                        title: string;
                        description: string | null;
                        location: string | null;
                        start: string;
                        end: string;
                        durationMinutes: number;
                        timeZone: string;
                        allDay: boolean;
                        rrule: string | null;
                        exdates: string[];
                        rdates: string[];
                        capacity: number | null;
                        version: number;
                        previousId: string | null;
                        createdBy: string | null;
                        createdAt: string;
                        updatedAt: string;
                        dropped: {
                            overrides: string[];
                            rsvps: {
                                originalStart: string;
                                userId: string;
                                status: string;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCommunitiesByIdOccurrences: {
        parameters: {
            query: {
                from: string;
                to: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        occurrences: {
                            eventId: string;
                            originalStart: string;
                            start: string;
                            end: string;
                            startLocal: string;
                            endLocal: string;
                            timeZone: string;
                            allDay: boolean;
                            title: string;
                            location: string | null;
                            cancelled: boolean;
                            overridden: boolean;
                            rsvp: {
                                going: number;
                                maybe: number;
                                declined: number;
                                waitlisted: number;
                                me?: string;
                            };
                        }[];
                        truncated: boolean;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteEventsByIdOccurrencesByOriginalStart: {
        parameters: {
            query: {
                scope: "this" | "following";
            };
            header?: never;
            path: {
                id: string;
                originalStart: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    patchEventsByIdOccurrencesByOriginalStart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                originalStart: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    scope: "this" | "following";
                    cancelled?: boolean;
                    title?: string;
                    description?: string | null;
                    location?: string | null;
                    /** @description local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay */
                    start?: string;
                    /** @description local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay */
                    end?: string;
                    durationMinutes?: number;
                    /** @description IANA time zone, e.g. Europe/London */
                    timeZone?: string;
                    allDay?: boolean;
                    /** @description RFC 5545 RRULE value, UNTIL in UTC */
                    rrule?: string | null;
                    exdates?: string[];
                    rdates?: string[];
                    capacity?: number | null;
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        scope: string;
                        occurrence?: {
                            eventId: string;
                            originalStart: string;
                            start: string;
                            end: string;
                            startLocal: string;
                            endLocal: string;
                            timeZone: string;
                            allDay: boolean;
                            title: string;
                            location: string | null;
                            cancelled: boolean;
                            overridden: boolean;
                            rsvp: {
                                going: number;
                                maybe: number;
                                declined: number;
                                waitlisted: number;
                                me?: string;
                            };
                        };
                        event?: {
                            id: string;
                            communityId: string;
                            groupId: string | null;
                            roomId: string | null;
                            title: string;
                            description: string | null;
                            location: string | null;
                            start: string;
                            end: string;
                            durationMinutes: number;
                            timeZone: string;
                            allDay: boolean;
                            rrule: string | null;
                            exdates: string[];
                            rdates: string[];
                            capacity: number | null;
                            version: number;
                            previousId: string | null;
                            createdBy: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                        previous?: {
                            id: string;
                            communityId: string;
                            groupId: string | null;
                            roomId: string | null;
                            title: string;
                            description: string | null;
                            location: string | null;
                            start: string;
                            end: string;
                            durationMinutes: number;
                            timeZone: string;
                            allDay: boolean;
                            rrule: string | null;
                            exdates: string[];
                            rdates: string[];
                            capacity: number | null;
                            version: number;
                            previousId: string | null;
                            createdBy: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putEventsByIdOccurrencesByOriginalStartRsvp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                originalStart: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "going" | "maybe" | "declined";
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "going" | "maybe" | "declined" | "waitlisted";
                        waitlistPosition?: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putEventsByIdRsvp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "going" | "maybe" | "declined";
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "going" | "maybe" | "declined" | "waitlisted";
                        waitlistPosition?: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getEventsByIdReminders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        eventId: string;
                        minutesBefore: number[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    putEventsByIdReminders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    minutesBefore: number[];
                };
            };
        };
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        eventId: string;
                        minutesBefore: number[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getMeCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        url: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteMeCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postMeCalendarRotate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        url: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getAdminDeadLetters: {
        parameters: {
            query?: {
                queue?: "reminders" | "events" | "api" | "notifications" | "webhooks" | "fanout" | "media" | "maintenance";
                status?: "dead" | "replaying" | "recovered" | "discarded";
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deadLetters: {
                            id: string;
                            queue: string;
                            name: string;
                            jobId: string;
                            payload: unknown;
                            error: string;
                            attempts: number;
                            /** @description dead | replaying | recovered | discarded */
                            status: string;
                            /** Format: date-time */
                            firstFailedAt: string;
                            /** Format: date-time */
                            lastFailedAt: string;
                            /** Format: date-time */
                            createdAt: string;
                        }[];
                        nextCursor: string | null;
                        stats: {
                            total: number;
                            byStatus: {
                                [key: string]: number;
                            };
                            /** @description dead letters recovered by a replay / all dead letters */
                            recoveryRate: number;
                        };
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getAdminDeadLettersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        queue: string;
                        name: string;
                        jobId: string;
                        payload: unknown;
                        error: string;
                        attempts: number;
                        /** @description dead | replaying | recovered | discarded */
                        status: string;
                        /** Format: date-time */
                        firstFailedAt: string;
                        /** Format: date-time */
                        lastFailedAt: string;
                        /** Format: date-time */
                        createdAt: string;
                        replays: {
                            id: string;
                            deadLetterId: string;
                            jobId: string;
                            requestedBy: string | null;
                            /** @description pending | succeeded | failed */
                            status: string;
                            error: string | null;
                            /** Format: date-time */
                            requestedAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                        }[];
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    deleteAdminDeadLettersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postAdminDeadLettersByIdReplay: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 202 */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        replay: {
                            id: string;
                            deadLetterId: string;
                            jobId: string;
                            requestedBy: string | null;
                            /** @description pending | succeeded | failed */
                            status: string;
                            error: string | null;
                            /** Format: date-time */
                            requestedAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                        };
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    postAdminDeadLettersReplay: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids?: string[];
                    /** @enum {string} */
                    queue?: "reminders" | "events" | "api" | "notifications" | "webhooks" | "fanout" | "media" | "maintenance";
                    /**
                     * @description most letters replayed by a filter
                     * @default 100
                     */
                    limit?: number;
                };
            };
        };
        responses: {
            /** @description Response for status 202 */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        replays: {
                            id: string;
                            deadLetterId: string;
                            jobId: string;
                            requestedBy: string | null;
                            /** @description pending | succeeded | failed */
                            status: string;
                            error: string | null;
                            /** Format: date-time */
                            requestedAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                        }[];
                        skipped: string[];
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getCluster: {
        parameters: {
            query?: {
                roomId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Response for status 200 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        mode: "off" | "redis";
                        nodeId: string | null;
                        /** @description live nodes, by id */
                        members: string[];
                        shardedPubSub: boolean;
                        roomMessagesReceived: number;
                        /** @description room actors on this node */
                        activeRooms: number;
                        /** @description the node that owns roomId */
                        owner?: string | null;
                    };
                };
            };
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            422: components["responses"]["Error422"];
            429: components["responses"]["Error429"];
            503: components["responses"]["Error503"];
        };
    };
    getWs: {
        parameters: {
            query?: {
                token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching Protocols: the socket is open (frames: docs/api.md) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
    getRoomsByIdWs: {
        parameters: {
            query?: {
                token?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching Protocols: the socket is open (frames: docs/api.md) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: components["responses"]["Error404"];
            422: components["responses"]["Error422"];
            503: components["responses"]["Error503"];
        };
    };
}
