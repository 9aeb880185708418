#include <stdio.h>

#include "cli/cli.h"
#include "http/server.h"

static const char usage[] = "usage: xinyuan routes\n"
			    "Prints every route the server registers: METHOD PATH, one a line.\n";

int cmd_routes(int argc, char **argv)
{
	int p = cli_parse(argc, argv, NULL, 0, usage);
	if (p)
		return p > 0 ? 0 : 2;
	for (int i = 0; i < routes_count; i++)
		printf("%s %s\n", routes[i].method, routes[i].pattern);
	return 0;
}
