#!/usr/bin/env bash
# Install lecture-bot for 24/7 service under systemd: the steps of README "Running it 24/7",
# exactly, as a script (tests/deploy/test_guide.py runs it in a throwaway root).
#
#   sudo env REPO=<git URL or path> LECTURE_SOURCE=<lecture data dir> deploy/install.sh
#
# It creates the system user `lecturebot` (home and state: /var/lib/lecture-bot), clones REPO
# into /opt/lecture-bot as that user, makes the virtualenv and installs the bot, copies the
# lecture data to /opt/lecture-bot/data, writes /opt/lecture-bot/.env (mode 600), installs
# deploy/lecture-bot.service (the unit beside this script) into /etc/systemd/system, and runs
# `lecture-bot check` as the bot user with only .env's settings. It does not enable or start
# the service and never contacts Discord. Safe to re-run: an existing user, clone and .env
# are kept.
#
# Settings (environment variables):
#   REPO            git URL or local path to clone (required unless /opt/lecture-bot is a clone).
#                   The bot user clones it: git refuses a local repository owned by another
#                   user ("dubious ownership"), so on a real install give a URL.
#   LECTURE_SOURCE  a lecture data directory, or a folder of lecture folders, to copy into
#                   /opt/lecture-bot/data (optional when data/ already holds the lectures)
#   DISCORD_TOKEN   the bot token for .env; asked for on a terminal when unset (not needed
#                   when .env exists)
#   PYTHON          the interpreter for the virtualenv (default python3; 3.11 or newer, and
#                   runnable by the bot user: a system Python, not one under /root)
#   ROOT            "/" (default) installs on this machine, as root. Any other directory is a
#                   throwaway root for testing: every path above is made under $ROOT instead,
#                   nothing is done as another user (no useradd, runuser, chown, systemctl;
#                   the files belong to whoever runs the script), and .env's paths carry the
#                   $ROOT prefix so `lecture-bot check` finds them.
set -euo pipefail

readonly BOT_USER=lecturebot
readonly APP_DIR=/opt/lecture-bot
readonly STATE_DIR=/var/lib/lecture-bot
readonly UNIT_DIR=/etc/systemd/system
readonly UNIT=lecture-bot.service

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
ROOT=${ROOT:-/}
REPO=${REPO:-}
LECTURE_SOURCE=${LECTURE_SOURCE:-}
PYTHON=${PYTHON:-python3}

say() { printf '==> %s\n' "$*"; }
die() {
	printf 'install.sh: %s\n' "$*" >&2
	exit 1
}

if [[ $ROOT == / ]]; then
	prefix=""
	real=1
else
	[[ $ROOT == /* ]] || die "ROOT must be an absolute path, not '$ROOT'"
	prefix=${ROOT%/}
	real=0
fi
app=$prefix$APP_DIR
state=$prefix$STATE_DIR

# Run a command as the bot user (as the caller in a throwaway root). runuser (util-linux, on
# every Debian/Ubuntu) is root's `sudo -u lecturebot`, without needing sudo installed.
as_bot() {
	if ((real)); then
		runuser -u "$BOT_USER" -- "$@"
	else
		"$@"
	fi
}

# Hand a path to the bot user (nothing to do in a throwaway root).
own() {
	if ((real)); then
		chown -R "$BOT_USER:$BOT_USER" "$@"
	fi
}

# --- 0. Preflight -----------------------------------------------------------------------------
if ((real)); then
	((EUID == 0)) || die "run as root (sudo), or set ROOT to a throwaway directory"
	for tool in runuser useradd; do
		command -v "$tool" >/dev/null || die "$tool is missing"
	done
fi
command -v git >/dev/null || die "git is missing (Debian/Ubuntu: apt-get install -y git)"
"$PYTHON" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null ||
	die "$PYTHON is missing or older than 3.11 (set PYTHON=python3.11, or install it)"
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null ||
	die "$PYTHON cannot make virtualenvs (Debian/Ubuntu: apt-get install -y python3-venv)"
if [[ -n $LECTURE_SOURCE ]]; then
	[[ -d $LECTURE_SOURCE ]] || die "LECTURE_SOURCE '$LECTURE_SOURCE' is not a directory"
	LECTURE_SOURCE=$(cd "$LECTURE_SOURCE" && pwd) # the steps below run in the checkout
fi
if [[ -d $REPO ]]; then
	REPO=$(cd "$REPO" && pwd)
fi

# --- 1. The user, its state directory, and the (empty) checkout directory ---------------------
if ((real)); then
	if id -u "$BOT_USER" >/dev/null 2>&1; then
		say "user $BOT_USER exists"
	else
		say "creating system user $BOT_USER (home $STATE_DIR)"
		useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
			--shell /usr/sbin/nologin "$BOT_USER"
	fi
	install -d -o "$BOT_USER" -g "$BOT_USER" -m 0700 "$state"
	install -d -o "$BOT_USER" -g "$BOT_USER" -m 0755 "$app"
else
	say "throwaway root $prefix: no user is created; files belong to $(id -un)"
	install -d -m 0700 "$state"
	install -d -m 0755 "$app"
fi
cd "$app"

# --- 2. Clone ---------------------------------------------------------------------------------
if [[ -d .git ]]; then
	say "$app is already a clone: kept (to update it, see README 'Running it 24/7')"
else
	[[ -n $REPO ]] || die "set REPO to the git URL or path to clone"
	say "cloning $REPO into $app"
	as_bot git clone --quiet "$REPO" .
fi

# --- 3. Virtualenv and the bot ----------------------------------------------------------------
say "installing into $app/.venv"
as_bot "$PYTHON" -m venv .venv
as_bot .venv/bin/pip install --quiet -e .

# --- 4. Lecture data, heartbeat directory -----------------------------------------------------
install -d -m 0755 data .cache
if [[ -n $LECTURE_SOURCE ]]; then
	say "copying the lecture data from $LECTURE_SOURCE to $app/data"
	cp -R "$LECTURE_SOURCE/." data/
fi
own data .cache
if [[ -z $(ls -A data) ]]; then
	die "no lecture data in $app/data: set LECTURE_SOURCE to a lecture data directory, or
import one as the bot user, e.g.
  cd $app && sudo -u $BOT_USER .venv/bin/lecture-bot import youtube 7xTGNNLPyMI \\
      --out data/deep-dive-llms --translate ko
and run this script again"
fi

# --- 5. Settings ------------------------------------------------------------------------------
if [[ -e .env ]]; then
	say "$app/.env exists: kept"
else
	token=${DISCORD_TOKEN:-}
	if [[ -z $token && -t 0 ]]; then
		read -rsp "Discord bot token (not shown): " token
		echo
	fi
	[[ -n $token ]] || die "set DISCORD_TOKEN (or run on a terminal to be asked for it)"
	# Tokens are letters, digits, dots, dashes and underscores; anything else (spaces, quotes,
	# '#', '$', '\') would be read differently by systemd and by python-dotenv.
	[[ $token =~ ^[A-Za-z0-9._-]+$ ]] || die "DISCORD_TOKEN has characters a bot token never has"
	say "writing $app/.env (mode 600)"
	(
		umask 077
		# No inline comments: systemd's EnvironmentFile= keeps a trailing "# ..." in the value.
		cat >.env <<EOF
# lecture-bot settings: read by systemd (EnvironmentFile=) and by lecture-bot run in $app.
# One KEY=value per line; comments only on lines of their own.
DISCORD_TOKEN=$token
LECTURE_DATA_DIR=$app/data
LECTURE_BOT_DB=$state/lecture-bot.sqlite3
LOG_LEVEL=INFO
EOF
	)
	own .env
fi

# --- 6. The systemd unit (installed, not enabled) ---------------------------------------------
say "installing $prefix$UNIT_DIR/$UNIT"
install -d -m 0755 "$prefix$UNIT_DIR"
install -m 0644 "$SCRIPT_DIR/$UNIT" "$prefix$UNIT_DIR/$UNIT"
if ((real)) && [[ -d /run/systemd/system ]]; then
	systemctl daemon-reload
fi

# --- 7. Check, as the service will run: the bot user, in $app, with only .env's settings ------
say "lecture-bot check"
as_bot env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$state" LANG=C.UTF-8 \
	.venv/bin/lecture-bot check

say "installed. Next (see README 'Running it 24/7'):"
printf '    cd %s && sudo -u %s .venv/bin/lecture-bot sync\n' "$APP_DIR" "$BOT_USER"
printf '    sudo systemctl enable --now lecture-bot\n'
