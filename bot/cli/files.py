"""Why a file the CLI writes (a picture, a chart, an export) cannot be written, in the user's
language: our own words for the usual reasons instead of the system's English."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from bot.messages import Lang
from bot.messages import message as say

_REASONS = {
    errno.EACCES: "cli_reason_permission",
    errno.EPERM: "cli_reason_permission",
    errno.EROFS: "cli_reason_read_only",
    errno.EISDIR: "cli_reason_folder",
    errno.ENOSPC: "cli_reason_disk_full",
    errno.EDQUOT: "cli_reason_disk_full",
}


def unwritable(path: Path, lang: Lang) -> str | None:
    """Why a file cannot be written at `path`, or None when it looks writable."""
    folder = path.parent
    if path.is_dir():
        return say("cli_reason_folder", lang)
    if not folder.is_dir():
        return say("cli_reason_no_folder", lang, folder=folder)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return say("cli_reason_permission", lang)
    return None


def os_reason(error: OSError, path: Path, lang: Lang) -> str:
    """What `error`, raised writing `path`, means, in `lang`."""
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return say("cli_reason_no_folder", lang, folder=path.parent)
    if key := _REASONS.get(error.errno or 0):
        return say(key, lang)
    code = errno.errorcode.get(error.errno or 0, type(error).__name__)
    return say("cli_reason_other", lang, code=code)
