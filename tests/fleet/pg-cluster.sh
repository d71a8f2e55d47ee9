#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the fleet tests (docs/fleet.md).
#
#   pg-cluster.sh start [--tls] [DIR]  initdb into DIR (a new temporary directory
#                                      when omitted), start on a free loopback
#                                      port, print the conninfo on stdout
#   pg-cluster.sh stop DIR             fast shutdown; the data stays
#   pg-cluster.sh crash DIR            immediate shutdown (as on a power cut)
#   pg-cluster.sh restart DIR          start again, same data and port
#   pg-cluster.sh destroy DIR          stop and remove DIR
#   pg-cluster.sh psql DIR [ARGS...]   psql as the cluster's superuser
#   pg-cluster.sh available            exit 0 if the PostgreSQL server binaries
#                                      are installed, 77 if not
#
# The cluster listens on 127.0.0.1 only (and on a unix socket inside DIR),
# with fsync off: it is for tests, never for data. Files in DIR:
#   conninfo   libpq keyword/value string of the superuser, no password
#              (host=127.0.0.1 port=N dbname=herkomst user=hk_admin)
#   password   the superuser's password, mode 0600 (herkomst's password_file)
#   port, log, data/, and with --tls: ca.crt (sslrootcert), server.{crt,key}
# With --tls the server requires TLS for TCP connections and conninfo adds
# "sslmode=verify-full sslrootcert=DIR/ca.crt".
#
# PostgreSQL refuses to run as root: as root the server runs as the user
# "postgres" (created by Debian's postgresql package) or else "nobody", DIR is
# given to that user, and DIR's parent must be traversable by it (a mkdtemp
# directory is not: chmod 0755 it first, or let this script make DIR).
# The binaries are found through $PG_BINDIR, pg_config --bindir, the newest
# /usr/lib/postgresql/*/bin, or $PATH. Exit 77 (skip) when there are none.
set -euo pipefail

EXIT_SKIP=77
SUPERUSER=hk_admin
DBNAME=herkomst

die() { printf 'pg-cluster.sh: %s\n' "$*" >&2; exit 1; }

find_bindir() {
	local d
	for d in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)"; do
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then echo "$d"; return 0; fi
	done
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then echo "$d"; return 0; fi
	d=$(command -v initdb 2>/dev/null || true)
	if [[ -n $d && -x $(dirname "$d")/pg_ctl ]]; then dirname "$d"; return 0; fi
	return 1
}

BINDIR=$(find_bindir) || {
	printf 'pg-cluster.sh: no PostgreSQL server binaries (initdb, pg_ctl); install the Debian package postgresql\n' >&2
	exit $EXIT_SKIP
}

# The user the server runs as, and how to run a command as that user.
RUN_AS=()
if [[ $(id -u) -eq 0 ]]; then
	if id -u postgres >/dev/null 2>&1; then PGUSER_OS=postgres; else PGUSER_OS=nobody; fi
	RUN_AS=(runuser -u "$PGUSER_OS" --)
fi
as_pg() { "${RUN_AS[@]}" "$@"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_ctl_start() {
	local dir=$1 port=$2 opts
	opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir'"
	opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	if [[ -f $dir/ca.crt ]]; then
		opts+=" -c ssl=on -c ssl_cert_file='$dir/server.crt' -c ssl_key_file='$dir/server.key'"
	fi
	as_pg "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/log" -o "$opts" -w -t 60 start >/dev/null
}

make_tls() {
	local dir=$1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=herkomst test CA' \
		-keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 || die "openssl: cannot make the test CA"
	openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' \
		-keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 || die "openssl: cannot make the server key"
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
		-days 2 -extfile "$dir/san.ext" -out "$dir/server.crt" >/dev/null 2>&1 || die "openssl: cannot sign the server certificate"
	chmod 0600 "$dir/server.key"
}

cmd_start() {
	local tls=0 dir=""
	while [[ $# -gt 0 ]]; do
		case $1 in
		--tls) tls=1 ;;
		-*) die "start: unknown option $1" ;;
		*) dir=$1 ;;
		esac
		shift
	done
	if [[ -z $dir ]]; then
		dir=$(mktemp -d "${TMPDIR:-/tmp}/hk-pg.XXXXXX")
		chmod 0755 "$dir"
	else
		mkdir -p "$dir"
		[[ -z $(ls -A "$dir") ]] || die "start: $dir is not empty; use restart for an existing cluster, or give a new directory"
	fi
	dir=$(cd "$dir" && pwd)
	if [[ ${#RUN_AS[@]} -gt 0 ]]; then
		chown "$PGUSER_OS" "$dir"
		as_pg test -w "$dir" || die "start: user $PGUSER_OS cannot reach $dir (is a parent directory mode 0700? chmod 0755 it)"
	fi
	# A random password, so that the password file is really used.
	head -c 18 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/password"
	chmod 0600 "$dir/password"
	[[ $tls -eq 0 ]] || make_tls "$dir"
	if [[ ${#RUN_AS[@]} -gt 0 ]]; then
		# The server reads its key and the initdb password file as its own user.
		cp "$dir/password" "$dir/initdb.pw"
		chown "$PGUSER_OS" "$dir/initdb.pw"
		[[ $tls -eq 0 ]] || chown "$PGUSER_OS" "$dir/server.key" "$dir/server.crt"
	else
		cp "$dir/password" "$dir/initdb.pw"
	fi
	as_pg "$BINDIR/initdb" -D "$dir/data" -U "$SUPERUSER" --pwfile="$dir/initdb.pw" -E UTF8 --locale=C \
		--auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
	rm -f "$dir/initdb.pw"
	if [[ $tls -eq 1 ]]; then
		# TCP only over TLS: a plain connection must be refused, not accepted.
		printf 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n' >"$dir/data/pg_hba.conf"
	fi
	local port tries=0
	until port=$(free_port) && pg_ctl_start "$dir" "$port"; do
		tries=$((tries + 1))
		[[ $tries -lt 5 ]] || die "start: the server did not start; see $dir/log: $(tail -n 5 "$dir/log" 2>/dev/null)"
	done
	echo "$port" >"$dir/port"
	as_pg "$BINDIR/psql" -h "$dir" -p "$port" -U "$SUPERUSER" -d postgres -qAt -v ON_ERROR_STOP=1 \
		-c "CREATE DATABASE $DBNAME" >/dev/null || die "start: cannot create the database $DBNAME"
	local ci="host=127.0.0.1 port=$port dbname=$DBNAME user=$SUPERUSER"
	[[ $tls -eq 0 ]] || ci+=" sslmode=verify-full sslrootcert=$dir/ca.crt"
	echo "$ci" >"$dir/conninfo"
	echo "$dir" >"$dir/dir"
	cat "$dir/conninfo"
}

need_cluster() {
	[[ -n ${1:-} && -f $1/port && -d $1/data ]] || die "${2}: ${1:-(no DIR)} is not a cluster made by pg-cluster.sh start"
}

absdir() { (cd "$1" && pwd); }

cmd_stop() {
	need_cluster "${1:-}" stop
	as_pg "$BINDIR/pg_ctl" -D "$(absdir "$1")/data" -m "${2:-fast}" -w -t 60 stop >/dev/null 2>&1 || true
}

cmd_restart() {
	need_cluster "${1:-}" restart
	local dir port
	dir=$(cd "$1" && pwd)
	port=$(cat "$dir/port")
	pg_ctl_start "$dir" "$port" || die "restart: the server did not start on port $port; see $dir/log"
}

cmd_psql() {
	need_cluster "${1:-}" psql
	local dir
	dir=$(absdir "$1")
	shift
	as_pg "$BINDIR/psql" -h "$dir" -p "$(cat "$dir/port")" -U "$SUPERUSER" -d "$DBNAME" -X -v ON_ERROR_STOP=1 "$@"
}

case ${1:-} in
start) shift; cmd_start "$@" ;;
stop) cmd_stop "${2:-}" fast ;;
crash) cmd_stop "${2:-}" immediate ;;
restart) cmd_restart "${2:-}" ;;
destroy)
	need_cluster "${2:-}" destroy
	cmd_stop "$2" immediate
	rm -rf "$2"
	;;
psql) shift; cmd_psql "$@" ;;
available) exit 0 ;;
*) die "usage: pg-cluster.sh start [--tls] [DIR] | stop DIR | crash DIR | restart DIR | destroy DIR | psql DIR [ARGS] | available" ;;
esac
