/* The subcommands of `benchlab`; each lives in its own cmd_*.c file. */
#ifndef BENCHLAB_LAB_COMMANDS_H
#define BENCHLAB_LAB_COMMANDS_H

/* argv[0] is the subcommand name. Return the process exit code
 * (0 ok, 2 usage error, 1 other failure). */
int cmd_up(int argc, char **argv);       /* cmd/stack.c */
int cmd_down(int argc, char **argv);     /* cmd/stack.c */
int cmd_run(int argc, char **argv);      /* cmd/run.c */
int cmd_report(int argc, char **argv);   /* cmd/report.c */
int cmd_claims(int argc, char **argv);   /* cmd/claims.c */
int cmd_validity(int argc, char **argv); /* cmd/validity.c */
int cmd_upstream(int argc, char **argv); /* cmd/upstream.c */
int cmd_capacity(int argc, char **argv); /* cmd/capacity.c */
int cmd_stress(int argc, char **argv);   /* cmd/stress.c */

#endif
