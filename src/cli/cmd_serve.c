#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "http/server.h"

static const char usage[] =
	"usage: xinyuan serve --db PATH [--listen HOST:PORT] [--threads N] [--web DIR]\n"
	"                     [--max-conns N] [--timeout SECONDS] [--secure-cookies]\n"
	"                     [--trust-proxy]\n"
	"PATH is a SQLite file made by `xinyuan init` or a postgresql:// URL.\n"
	"Serves the API on HOST:PORT (default 127.0.0.1:8080) and, with --web, the built web\n"
	"UI. Logs one line per request to stderr. SIGTERM or SIGINT stop accepting, let\n"
	"requests in flight finish, and exit 0.\n";

static int number(const char *s, const char *name, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s)
		return 0;
	if (*end || v < (long)lo || v > (long)hi) {
		fprintf(stderr, "xinyuan: %s must be %u to %u\n", name, lo, hi);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	const char *dbarg = NULL, *listen = "127.0.0.1:8080", *threads = NULL, *web = NULL,
		   *conns = NULL, *timeout = NULL;
	bool secure = false, trust_proxy = false;
	const struct opt opts[] = {
		{ "--db", true, &dbarg, NULL },
		{ "--listen", true, &listen, NULL },
		{ "--threads", true, &threads, NULL },
		{ "--web", true, &web, NULL },
		{ "--max-conns", true, &conns, NULL },
		{ "--timeout", true, &timeout, NULL },
		{ "--secure-cookies", false, NULL, &secure },
		{ "--trust-proxy", false, NULL, &trust_proxy },
	};
	int p = cli_parse(argc, argv, opts, 8, usage);
	if (p)
		return p > 0 ? 0 : 2;
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	struct server_config cfg = { .listen = listen,
				     .web_dir = web,
				     .secure_cookies = secure,
				     .trust_proxy = trust_proxy };
	if (number(threads, "--threads", 1, 256, &cfg.threads) ||
	    number(conns, "--max-conns", 1, 100000, &cfg.max_conns) ||
	    number(timeout, "--timeout", 1, 3600, &cfg.timeout_s))
		return 2;

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);

	struct store *s = cli_open(db, OPEN_MIGRATE);
	if (!s)
		return 1;
	if (store_writer_start(s) != 0) {
		fputs("xinyuan: cannot start the writer thread\n", stderr);
		store_close(s);
		return 1;
	}
	struct server srv;
	if (server_start(&srv, s, &cfg) != 0) {
		store_close(s);
		return 1;
	}
	char shown[512];
	cli_redact(db, shown, sizeof shown);
	fprintf(stderr, "xinyuan: serving %s on http://%s (%u threads)\n", shown, listen,
		srv.cfg.threads);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "xinyuan: %s received, finishing requests in flight\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	server_stop(&srv, 10);
	store_close(s);
	fputs("xinyuan: stopped\n", stderr);
	return 0;
}
