"""A small fake Discord on 127.0.0.1 for driving the real discord.py client.

REST (aiohttp.web): login (`GET /users/@me`), application info, `GET /gateway/bot`, command sync
(`PUT .../commands`), interaction callbacks, webhook followups/edits and channel messages.
Gateway (websocket, JSON text frames): HELLO, IDENTIFY -> READY, heartbeat ACK, RESUME ->
RESUMED, and `dispatch()` of any event (INTERACTION_CREATE for the tests). Like Discord, it can
refuse callbacks that come too late (`interaction_deadline`: 404 "Unknown interaction", code
10062), close the gateway with a given code instead of READY (`close_on_identify`), and send
any text frame as it is (`send_raw`, for hostile frames).

Every request is recorded (`requests`) with its parsed JSON body; tests wait for the one they
expect with `wait_for_request`, never by sleeping. A message with files comes as Discord takes
it, multipart/form-data (`payload_json` and `files[n]`): the body is the parsed `payload_json`,
the files are in `Request.files`, and the message gets an attachment for each.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
APP_ID = 1_100_000_000_000_000_001
BOT_ID = 1_100_000_000_000_000_002
GUILD_ID = 1_100_000_000_000_000_003
CHANNEL_ID = 1_100_000_000_000_000_004
TOKEN = "FAKE.bot-token.d0-n0t-l0g-m3"
TIMESTAMP = "2026-11-24T05:00:00.000000+00:00"

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_HELLO, OP_HEARTBEAT_ACK = 10, 11
DISCORD_EPOCH_MS = 1_420_070_400_000
UNKNOWN_INTERACTION = 10062


@dataclass(frozen=True)
class Upload:
    """A file sent with a message: its form field (`files[n]`), name, type and bytes."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 200
    files: list[Upload] = field(default_factory=list)  # in `files[n]` order

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}

    @property
    def data(self) -> dict[str, Any]:
        """The message data of an interaction callback (its `data`), else the body itself."""
        if "type" in self.json and "data" in self.json:
            return self.json["data"] or {}
        return self.json


@dataclass
class Gateway:
    identifies: list[dict[str, Any]] = field(default_factory=list)
    resumes: list[dict[str, Any]] = field(default_factory=list)
    heartbeats: int = 0
    connections: int = 0


class FakeDiscord:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.requests: list[Request] = []
        self.gateway = Gateway()
        self.session_id = "fake-session-1"
        self.sequence = 0
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        #: Callback paths (or "*") to answer with 429 once each, with this retry_after.
        self.rate_limit_next: dict[str, float] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        #: Seconds after an interaction's creation (its id's timestamp) after which its callback
        #: is refused as Discord refuses it (None: never); `late` lists the refused ids.
        self.interaction_deadline: float | None = None
        self.late: list[str] = []
        #: A gateway close code to answer the next IDENTIFY (and RESUME) with, instead of READY.
        self.close_on_identify: int | None = None
        self.runner: web.AppRunner | None = None
        self.site: web.TCPSite | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_route("GET", "/gateway", self.websocket)
        app.router.add_route("*", API + "/{tail:.*}", self.rest)
        # Open connections get a second to finish when the fake closes (aiohttp's default
        # is 60 s: a bot's websocket would hold `close` up for that long).
        self.runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self.runner.setup()
        self.site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await self.site.start()
        self.port = self.site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        """Discord unreachable from now on: no new connection is accepted before the gateway
        is closed, so a bot cannot reconnect in between (it did, now and then, and then sat
        connected to a fake that was shutting down)."""
        if self.site is not None:
            site, self.site = self.site, None  # closed once, however often `close` is called
            await site.stop()
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # -- waiting -----------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """The predicate's first true value. It is looked at again whenever the fake changes,
        and at least every 20 ms: it may be about the bot's state, which the bot can reach
        just after the fake's last change."""

        async def wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.02)
                return result

        return await asyncio.wait_for(wait(), timeout)

    async def wait_for_request(
        self,
        method: str,
        path_part: str,
        *,
        after: int = 0,
        where: Callable[[Request], bool] = lambda request: True,
        timeout: float = 10.0,
    ) -> Request:
        """The first request (from index `after`) with `method` whose path contains
        `path_part` and that satisfies `where`."""

        def find() -> Request | None:
            for request in self.requests[after:]:
                if request.method == method and path_part in request.path and where(request):
                    return request
            return None

        return await self.wait_until(find, timeout)

    def mark(self) -> int:
        """The current end of the request log: pass it as `after=` to wait for new ones."""
        return len(self.requests)

    # -- REST --------------------------------------------------------------------------------

    def user(self, user_id: int = BOT_ID, name: str = "lecture-bot", bot: bool = True):
        return {
            "id": str(user_id),
            "username": name,
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "flags": 0,
            "public_flags": 0,
        }

    def application(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "lecture-bot",
            "icon": None,
            "description": "",
            "rpc_origins": [],
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.user(1_100_000_000_000_000_099, "owner", bot=False),
            "summary": "",
            "verify_key": "0" * 64,
            "flags": 0,
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "approximate_guild_count": 1,
        }

    def message(
        self,
        data: dict[str, Any],
        message_id: int | None = None,
        flags: int = 0,
        files: list[Upload] | None = None,
    ) -> dict[str, Any]:
        message_id = message_id or self.next_id()
        payload = {
            "id": str(message_id),
            "channel_id": str(CHANNEL_ID),
            "author": self.user(),
            "content": data.get("content", "") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments(data.get("attachments") or [], files or []),
            "embeds": data.get("embeds", []) or [],
            "components": data.get("components", []) or [],
            "pinned": False,
            "type": 0,
            "flags": data.get("flags", flags) or 0,
            "application_id": str(APP_ID),
            "webhook_id": str(APP_ID),
        }
        self.messages[message_id] = payload
        return payload

    def attachments(self, entries: list[dict[str, Any]], files: list[Upload]) -> list[dict]:
        """A message's attachments, as Discord returns them: the ones it keeps (with a url
        already) and one for each new file (`{"id": n}` is the request's `files[n]`)."""
        result = []
        for entry in entries:
            if "url" in entry:
                result.append(entry)
                continue
            index = entry.get("id")
            if not isinstance(index, int) or not 0 <= index < len(files):
                continue
            upload = files[index]
            attachment_id = self.next_id()
            url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{upload.filename}"
            result.append(
                {
                    "id": str(attachment_id),
                    "filename": entry.get("filename") or upload.filename,
                    "size": len(upload.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
        return result

    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API) :]
        body: Any = None
        files: list[Upload] = []
        if request.content_type == "multipart/form-data":
            body, files = await _multipart(request)
        elif request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        record = Request(
            request.method, path, dict(request.query), dict(request.headers), body, files=files
        )
        self.requests.append(record)
        try:
            response = self.route(record)
        finally:
            await self._notify()
        record.status = response.status
        return response

    def _json(self, payload: Any, status: int = 200, **headers: str) -> web.Response:
        # discord.py parses a body as JSON only for exactly `application/json`, as Discord sends.
        headers["Content-Type"] = "application/json"
        return web.Response(body=json.dumps(payload).encode(), status=status, headers=headers)

    def route(self, request: Request) -> web.Response:
        method, path = request.method, request.path
        parts = path.strip("/").split("/")
        authorised = request.headers.get("Authorization") == f"Bot {self.token}"
        if parts[0] in ("users", "applications", "oauth2", "gateway", "channels") and not (
            authorised
        ):
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        if method == "GET" and path == "/users/@me":
            return self._json(self.user())
        if method == "GET" and path in ("/oauth2/applications/@me", "/applications/@me"):
            return self._json(self.application())
        if method == "GET" and path == "/gateway/bot":
            return self._json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            commands = [
                {
                    "description": "",  # Discord returns "" for context menus
                    **command,
                    "id": str(self.next_id()),
                    "application_id": str(APP_ID),
                    "version": "1",
                    **({"guild_id": parts[3]} if "guilds" in parts else {}),
                }
                for command in request.body or []
            ]
            return self._json(commands)
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return self.callback(request, interaction_id=parts[1])
        if parts[0] == "webhooks":
            return self.webhook(request, parts)
        if method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            return self._json(self.message(request.json))
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    def _too_late(self, interaction_id: str) -> bool:
        if self.interaction_deadline is None or not interaction_id.isdigit():
            return False
        return time.time() - created_at(int(interaction_id)) > self.interaction_deadline

    def callback(self, request: Request, interaction_id: str) -> web.Response:
        if self._too_late(interaction_id):
            self.late.append(interaction_id)
            return self._json({"message": "Unknown interaction", "code": UNKNOWN_INTERACTION}, 404)
        retry_after = self.rate_limit_next.pop(request.path, None)
        if retry_after is None:
            retry_after = self.rate_limit_next.pop("*", None)
        if retry_after is not None:
            return self._json(
                {
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": False,
                },
                429,
                Via="1.1 google",
                **{"Retry-After": str(retry_after)},
            )
        kind = request.json.get("type")
        data = request.json.get("data") or {}
        interaction = {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
        }
        resource: dict[str, Any] | None = None
        if kind in (4, 5):
            message = self.message(data, files=request.files)
            interaction["response_message_id"] = message["id"]
            resource = {"type": kind, "message": message}
        elif kind == 7:
            message = self.message(data, files=request.files)
            resource = {"type": kind, "message": message}
        payload: dict[str, Any] = {"interaction": interaction}
        if resource is not None:
            payload["resource"] = resource
        return self._json(payload)

    def webhook(self, request: Request, parts: list[str]) -> web.Response:
        # /webhooks/{app}/{token}[/messages/{id | @original}]
        if request.method == "POST" and len(parts) == 3:
            return self._json(self.message(request.json, files=request.files))
        if len(parts) == 5 and parts[3] == "messages":
            message_id = self.next_id() if parts[4] == "@original" else int(parts[4])
            if request.method == "DELETE":
                return web.Response(status=204)
            existing = self.messages.get(message_id, {})
            merged = {**existing, **(request.json or {})}
            return self._json(self.message(merged, message_id, files=request.files))
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    # -- gateway -----------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        self.gateway.connections += 1
        await ws.send_json(
            {"op": OP_HELLO, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}
        )
        await self._notify()
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op = payload.get("op")
            if op == OP_HEARTBEAT:
                self.gateway.heartbeats += 1
                await ws.send_json({"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op in (OP_IDENTIFY, OP_RESUME) and self.close_on_identify is not None:
                (self.gateway.identifies if op == OP_IDENTIFY else self.gateway.resumes).append(
                    payload["d"]
                )
                await ws.close(code=self.close_on_identify, message=b"fake refusal")
            elif op == OP_IDENTIFY:
                self.gateway.identifies.append(payload["d"])
                await self._send_dispatch(ws, "READY", self.ready(payload["d"].get("shard")))
            elif op == OP_RESUME:
                self.gateway.resumes.append(payload["d"])
                await self._send_dispatch(ws, "RESUMED", {})
            await self._notify()
        if self._ws is ws:
            self._ws = None
        await self._notify()
        return ws

    def ready(self, shard: list[int] | None = None) -> dict[str, Any]:
        """READY for an IDENTIFY of `shard` ([id, count]), which Discord echoes back: a
        sharded client is ready once every one of its shards has had its own."""
        return {
            "v": 10,
            "user": self.user(),
            "guilds": [],
            "session_id": self.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "shard": shard or [0, 1],
        }

    async def _send_dispatch(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self.sequence += 1
        await ws.send_json({"op": OP_DISPATCH, "t": event, "s": self.sequence, "d": data})

    async def wait_connected(self, *, resumed: int = 0, identified: int = 1) -> None:
        """Until the client has identified (or resumed) and its socket is open."""
        await self.wait_until(
            lambda: (
                self._ws is not None
                and len(self.gateway.identifies) >= identified
                and len(self.gateway.resumes) >= resumed
            )
        )

    async def dispatch(self, event: str, data: Any) -> None:
        await self.wait_until(lambda: self._ws is not None)
        assert self._ws is not None
        await self._send_dispatch(self._ws, event, data)

    async def send_raw(self, text: str) -> None:
        """Send `text` as one gateway frame, exactly as given (it need not be valid JSON)."""
        await self.wait_until(lambda: self._ws is not None)
        assert self._ws is not None
        await self._ws.send_str(text)

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the gateway socket as a network failure would (the client should resume)."""
        assert self._ws is not None
        ws = self._ws
        await ws.close(code=code, message=b"fake drop")
        await self.wait_until(lambda: self._ws is not ws)


async def _multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    """The parsed `payload_json` of a multipart/form-data body, and its files by index."""
    form = await request.post()
    body = json.loads(str(form.get("payload_json", "null")))
    files = [
        Upload(name, part.filename, part.content_type, part.file.read())
        for name, part in form.items()
        if isinstance(part, web.FileField)
    ]
    files.sort(key=lambda upload: _file_index(upload.field))
    return body, files


def _file_index(name: str) -> int:
    digits = name.removeprefix("files[").removesuffix("]")
    return int(digits) if digits.isdigit() else 1_000_000


# -- interaction payloads --------------------------------------------------------------------

_sequence = itertools.count()


def snowflake(created: float | None = None) -> int:
    """A unique id whose timestamp is `created` (Unix seconds; default now), as Discord makes
    them: the bot can tell from an interaction's id how long ago Discord created it."""
    ms = int((time.time() if created is None else created) * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_sequence) & 0x3FFFFF)


def created_at(snowflake_id: int) -> float:
    """The Unix time a snowflake id was made."""
    return ((snowflake_id >> 22) + DISCORD_EPOCH_MS) / 1000


ALL_PERMISSIONS = "2251799813685247"
STUDENT_PERMISSIONS = "68608"  # view channels, send messages, read history: no Manage Server


def member(
    user_id: int, name: str = "student", permissions: str = ALL_PERMISSIONS
) -> dict[str, Any]:
    return {
        "user": {
            "id": str(user_id),
            "username": name,
            "global_name": name.title(),
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
        },
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": permissions,
        "nick": None,
        "avatar": None,
        "pending": False,
    }


def text_channel() -> dict[str, Any]:
    """The study group's text channel, where every fake interaction happens."""
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "study-group",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "flags": 0,
        "last_message_id": None,
    }


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    user_id: int,
    locale: str = "en-US",
    message: dict[str, Any] | None = None,
    permissions: str = ALL_PERMISSIONS,
    created: float | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload as Discord sends it for a guild text channel, from a
    member with `permissions` (all of them by default), created now (or at Unix time
    `created`: its id says when)."""
    interaction_id = snowflake(created)
    payload = {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "guild_id": str(GUILD_ID),
        "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
        "channel_id": str(CHANNEL_ID),
        "channel": text_channel(),
        "member": member(user_id, permissions=permissions),
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "locale": locale,
        "guild_locale": "en-US",
        "app_permissions": "2251799813685247",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 10485760,
    }
    if message is not None:
        payload["message"] = message
    return payload


def guild_create() -> dict[str, Any]:
    """GUILD_CREATE for the study group's server, as Discord sends it after READY to a bot
    that is a member (no member list: the bot asks for no privileged intents)."""
    return {
        "id": str(GUILD_ID),
        "name": "Study group",
        "icon": None,
        "owner_id": "1100000000000000050",
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "features": [],
        "preferred_locale": "en-US",
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": "2251799813685247",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "channels": [text_channel()],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "joined_at": TIMESTAMP,
    }


def slash(name: str, options: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """A chat-input command with `options` (name -> value; bool/int/str typed as Discord does)."""
    return interaction(
        2, {"id": "1", "name": name, "type": 1, "options": _options(options or {})}, **kwargs
    )


def autocomplete(
    name: str,
    focused: str,
    value: str,
    others: dict[str, Any] | None = None,
    *,
    focused_type: int = 4,
    **kwargs: Any,
) -> dict[str, Any]:
    """Autocomplete of option `focused` (an integer option unless `focused_type` says 3)."""
    options = _options(others or {})
    options.append({"name": focused, "type": focused_type, "value": value, "focused": True})
    return interaction(4, {"id": "1", "name": name, "type": 1, "options": options}, **kwargs)


def subcommand(
    group: str, name: str, options: dict[str, Any] | None = None, **kwargs: Any
) -> dict[str, Any]:
    """`/group name` with `options`, nested as Discord sends a subcommand."""
    inner = {"name": name, "type": 1, "options": _options(options or {})}
    return interaction(2, {"id": "1", "name": group, "type": 1, "options": [inner]}, **kwargs)


def _options(options: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for name, value in options.items():
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
        result.append({"name": name, "type": kind, "value": value})
    return result


def button_press(custom_id: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return interaction(3, {"custom_id": custom_id, "component_type": 2}, message=message, **kwargs)


def modal_submit(
    custom_id: str, values: dict[str, str], message: dict[str, Any] | None = None, **kwargs: Any
) -> dict[str, Any]:
    """A MODAL_SUBMIT: the modal's custom id and each text input's custom id -> value."""
    rows = [
        {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
        for key, value in values.items()
    ]
    data = {"custom_id": custom_id, "components": rows}
    return interaction(5, data, message=message, **kwargs)


def message_command(name: str, target: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    data = {
        "id": "2",
        "name": name,
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return interaction(2, data, **kwargs)


def user_message(content: str, author_id: int = 1_100_000_000_000_000_050) -> dict[str, Any]:
    """A message a student wrote (the target of the "Ask the lecture" menu)."""
    return {
        "id": str(snowflake()),
        "channel_id": str(CHANNEL_ID),
        "guild_id": str(GUILD_ID),
        "author": member(author_id)["user"],
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
    }
