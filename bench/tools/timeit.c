/* Runs one command and reports its wall time and peak RSS, for bench/run.
 *
 *   timeit [-c CPU] [-i IN] [-o OUT] -r REPORT -- PROG ARGS...
 *
 * The child is pinned to CPU (sched_setaffinity, as `taskset -c CPU`), takes stdin from IN and
 * stdout to OUT (default /dev/null for both), and is exec'd directly (no shell in the
 * measurement). REPORT gets one line: "<wall s> <peak RSS KiB> <exit status> <user+sys CPU s>",
 * RSS and CPU time being the child's from wait4. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  const char *in = "/dev/null", *out = "/dev/null", *report = NULL;
  int cpu = -1, opt;
  while ((opt = getopt(argc, argv, "+c:i:o:r:")) != -1) {
    switch (opt) {
      case 'c': cpu = atoi(optarg); break;
      case 'i': in = optarg; break;
      case 'o': out = optarg; break;
      case 'r': report = optarg; break;
      default: goto usage;
    }
  }
  if (!report || optind >= argc) goto usage;

  const double t0 = now();
  const pid_t pid = fork();
  if (pid < 0) {
    perror("timeit: fork");
    return 1;
  }
  if (pid == 0) {
    if (cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      if (sched_setaffinity(0, sizeof set, &set) != 0) perror("timeit: sched_setaffinity");
    }
    const int fi = open(in, O_RDONLY);
    const int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fi < 0 || fo < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0) {
      perror("timeit: redirect");
      _exit(127);
    }
    close(fi);
    close(fo);
    execvp(argv[optind], argv + optind);
    fprintf(stderr, "timeit: exec %s: %s\n", argv[optind], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      perror("timeit: wait4");
      return 1;
    }
  }
  const double wall = now() - t0;
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE* r = fopen(report, "w");
  if (!r) {
    perror(report);
    return 1;
  }
  const double cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
  fprintf(r, "%.6f %ld %d %.6f\n", wall, ru.ru_maxrss, code, cpu_s);
  fclose(r);
  return 0;

usage:
  fprintf(stderr, "usage: timeit [-c CPU] [-i IN] [-o OUT] -r REPORT -- PROG ARGS...\n");
  return 2;
}
