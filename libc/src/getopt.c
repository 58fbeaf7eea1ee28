/*
 * getopt.c: command-line option parsing, POSIX getopt plus GNU
 * getopt_long (for "--name", "--name=value", "--name value"). Parsing stops
 * at the first operand or at "--"; arguments are not permuted.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *optarg;
int optind = 1, opterr = 1, optopt;

static int nextchar;    /* position inside a group like "-abc" */

/* Print "prog: message 'c'" unless opterr is 0 or optstring starts with ':'. */
static void complain(const char *optstring, char *const argv[], const char *msg, int c,
		     const char *name)
{
	if (!opterr || optstring[0] == ':')
		return;
	if (name)
		fprintf(stderr, "%s: %s '--%s'\n", argv[0], msg, name);
	else
		fprintf(stderr, "%s: %s -- '%c'\n", argv[0], msg, c);
}

static int short_opt(int argc, char *const argv[], const char *optstring)
{
	char *arg = argv[optind];
	int c = (unsigned char)arg[nextchar++];
	const char *spec = c == ':' ? NULL : strchr(optstring, c);

	optarg = NULL;
	if (spec == NULL || c == 0) {
		optopt = c;
		complain(optstring, argv, "invalid option", c, NULL);
		if (arg[nextchar] == 0) {
			optind++;
			nextchar = 0;
		}
		return '?';
	}
	if (spec[1] != ':') {
		if (arg[nextchar] == 0) {
			optind++;
			nextchar = 0;
		}
		return c;
	}
	/* Takes an argument: the rest of this word, or the next word. */
	if (arg[nextchar]) {
		optarg = arg + nextchar;
		optind++;
	} else if (spec[2] == ':') {
		optind++;               /* optional argument, not given */
	} else if (optind + 1 < argc) {
		optarg = argv[optind + 1];
		optind += 2;
	} else {
		optopt = c;
		optind++;
		nextchar = 0;
		complain(optstring, argv, "option requires an argument", c, NULL);
		return optstring[0] == ':' ? ':' : '?';
	}
	nextchar = 0;
	return c;
}

static int long_opt(int argc, char *const argv[], const char *optstring,
		    const struct option *opts, int *index)
{
	char *name = argv[optind] + 2;
	char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *o, *found = NULL;
	int matches = 0;

	optind++;
	optarg = NULL;
	for (o = opts; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len) {   /* exact match wins */
			found = o;
			matches = 1;
			break;
		}
		found = o;              /* unambiguous prefix */
		matches++;
	}
	if (matches != 1) {
		complain(optstring, argv, matches ? "ambiguous option" : "unrecognized option",
			 0, name);
		optopt = 0;
		return '?';
	}
	if (eq) {
		if (found->has_arg == no_argument) {
			complain(optstring, argv, "option doesn't allow an argument", 0, found->name);
			optopt = found->val;
			return '?';
		}
		optarg = eq + 1;
	} else if (found->has_arg == required_argument) {
		if (optind >= argc) {
			complain(optstring, argv, "option requires an argument", 0, found->name);
			optopt = found->val;
			return optstring[0] == ':' ? ':' : '?';
		}
		optarg = argv[optind++];
	}
	if (index)
		*index = (int)(found - opts);
	if (found->flag) {
		*found->flag = found->val;
		return 0;
	}
	return found->val;
}

/* Common driver; longopts may be NULL. */
static int parse(int argc, char *const argv[], const char *optstring,
		 const struct option *longopts, int *index)
{
	char *arg;

	if (optind == 0) {              /* GNU convention: reset */
		optind = 1;
		nextchar = 0;
	}
	if (*optstring == '+' || *optstring == '-')
		optstring++;
	if (nextchar == 0) {
		if (optind >= argc)
			return -1;
		arg = argv[optind];
		if (arg == NULL || arg[0] != '-' || arg[1] == 0)
			return -1;
		if (arg[1] == '-' && arg[2] == 0) {
			optind++;
			return -1;
		}
		if (arg[1] == '-' && longopts)
			return long_opt(argc, argv, optstring, longopts, index);
		nextchar = 1;
	}
	return short_opt(argc, argv, optstring);
}

/* POSIX getopt: the next option character, '?' or ':' on errors, -1 at
 * the end of the options. optarg, optind and optopt as POSIX says. */
int getopt(int argc, char *const argv[], const char *optstring)
{
	return parse(argc, argv, optstring, NULL, NULL);
}

/* getopt plus "--name[=value]" options described by longopts. */
int getopt_long(int argc, char *const argv[], const char *optstring,
		const struct option *longopts, int *longindex)
{
	return parse(argc, argv, optstring, longopts, longindex);
}
