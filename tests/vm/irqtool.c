// SPDX-License-Identifier: MIT
/*
 * irqtool: what the guest's shell cannot do for the irq/ tests and the
 * benchmark's scale rows (built statically into the test bed's initramfs;
 * the benchmark's measurements are tests/vm/benchtool.c).
 *   irqtool read FILE [nonblock]     one read(); prints the data or ERR name
 *   irqtool eintr FILE MS            SIGALRM handler (no SA_RESTART), alarm
 *                                    after MS ms during a blocked read
 *   irqtool sigint FILE              `cat FILE` in a child, SIGINT it once
 *                                    blocked, time until it is gone
 *   irqtool poll FILE MS             poll() for POLLIN with a timeout
 *   irqtool readers N FILE...        N threads blocked in read() at once
 *   irqtool time CMD [ARG...]        run CMD; "time <us> exit <rc>" on stderr
 *   irqtool runas UID GID CMD [ARG...]  exec CMD as UID:GID, no extra groups
 *   irqtool put FILE TEXT...         open, one write() per TEXT ("\\n" is a
 *                                    newline), close; prints each result,
 *                                    "ok" or the errno (close's last: a
 *                                    shell drops close's error)
 *   irqtool opens FILE N             open FILE N times, read each once,
 *                                    print "ready", sleep until killed
 *   irqtool churn-bind MNT BDF N     N x (unbind BDF from vfio-pci, bind it
 *                                    again, wait for MNT/BDF, look into it)
 *   irqtool churn-dma MNT N          N x (mkdir MNT/dma/c, 4096 > size, rmdir)
 *   irqtool churn-mode DIR M1 M2 N   N x write M1 or M2 to DIR/irq/mode, each
 *                                    time looking up DIR/irq/0/count
 *   The churns print "churn: N cycles in T ms" or what failed, and exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *ename(int e)
{
	switch (e) {
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EIO: return "EIO";
	case EACCES: return "EACCES";
	case ENOTCONN: return "ENOTCONN";
	case ECONNABORTED: return "ECONNABORTED";
	default: return strerror(e);
	}
}

static int do_read(const char *file, int nonblock)
{
	char buf[256];
	int fd = open(file, O_RDONLY | (nonblock ? O_NONBLOCK : 0));
	ssize_t n;

	if (fd < 0) {
		printf("ERR open %s\n", ename(errno));
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("ERR %s\n", ename(errno));
		return 1;
	}
	buf[n] = '\0';
	printf("%s", buf);
	return 0;
}

static volatile sig_atomic_t got_sig;
static uint64_t sig_ns;

static void on_sig(int sig)
{
	got_sig = sig;
	sig_ns = now_ns();
}

static int do_eintr(const char *file, int ms)
{
	struct sigaction sa = { .sa_handler = on_sig }; /* no SA_RESTART */
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };
	char buf[64];
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("ERR open %s\n", ename(errno));
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0 && errno == EINTR && got_sig) {
		printf("EINTR %llu us\n",
		       (unsigned long long)(now_ns() - sig_ns) / 1000);
		return 0;
	}
	if (n < 0)
		printf("ERR %s\n", ename(errno));
	else
		printf("DATA %.*s", (int)n, buf);
	return 1;
}

static int do_sigint(const char *file)
{
	uint64_t t0;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* A shell's background job starts with SIGINT ignored. */
		signal(SIGINT, SIG_DFL);
		execlp("cat", "cat", file, (char *)NULL);
		_exit(127);
	}
	usleep(500000);
	if (waitpid(pid, &status, WNOHANG) != 0) {
		printf("ERR cat ended before the signal\n");
		return 1;
	}
	t0 = now_ns();
	kill(pid, SIGINT);
	/* Bounded: a cat that does not die is a failure, not a hang. */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ns() - t0 > 5000000000ull) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("ERR still running 5 s after SIGINT\n");
			return 1;
		}
		usleep(100);
	}
	printf("SIGINT %llu us %s %d\n",
	       (unsigned long long)(now_ns() - t0) / 1000,
	       WIFSIGNALED(status) ? "signaled" : "exited",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return 0;
}

static int do_poll(const char *file, int ms)
{
	int fd = open(file, O_RDONLY);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t t0 = now_ns();
	char buf[64];
	ssize_t n;
	int r;

	if (fd < 0) {
		printf("ERR open %s\n", ename(errno));
		return 1;
	}
	r = poll(&p, 1, ms);
	if (r < 0) {
		printf("ERR poll %s\n", ename(errno));
		return 1;
	}
	if (r == 0) {
		printf("timeout %llu ms\n",
		       (unsigned long long)(now_ns() - t0) / 1000000);
		return 0;
	}
	printf("revents 0x%x%s after %llu ms", p.revents,
	       p.revents & POLLIN ? " POLLIN" : "",
	       (unsigned long long)(now_ns() - t0) / 1000000);
	n = read(fd, buf, sizeof(buf) - 1);
	printf(" read %.*s", n > 0 ? (int)n : 0, buf);
	if (n <= 0)
		printf("\n");
	return 0;
}

struct reader {
	pthread_t t;
	int fd;
	ssize_t n;
	int err;
	char buf[32];
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;

	r->n = read(r->fd, r->buf, sizeof(r->buf) - 1);
	r->err = r->n < 0 ? errno : 0;
	return NULL;
}

static int do_readers(int n, char **files, int nf)
{
	struct rlimit rl = { 8192, 8192 };
	struct reader *rs = calloc(n, sizeof(*rs));
	pthread_attr_t attr;
	int i, ok = 0, bad = 0;

	setrlimit(RLIMIT_NOFILE, &rl);
	for (i = 0; i < n; i++) {
		rs[i].fd = open(files[i % nf], O_RDONLY);
		if (rs[i].fd < 0) {
			printf("ERR open %s: %s\n", files[i % nf], ename(errno));
			return 1;
		}
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++)
		if (pthread_create(&rs[i].t, &attr, reader_run, &rs[i])) {
			printf("ERR thread %d\n", i);
			return 1;
		}
	usleep(500000);
	printf("ready %d\n", n);
	fflush(stdout);
	for (i = 0; i < n; i++) {
		pthread_join(rs[i].t, NULL);
		if (rs[i].n > 0)
			ok++;
		else
			bad++;
	}
	printf("done ok=%d bad=%d\n", ok, bad);
	return bad != 0;
}

static int do_time(char **cmd)
{
	uint64_t t0 = now_ns();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	fprintf(stderr, "time %llu exit %d\n",
		(unsigned long long)(now_ns() - t0) / 1000,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Drop to an ordinary user (busybox's setpriv cannot) and exec CMD. */
static int do_runas(uid_t uid, gid_t gid, char **cmd)
{
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
		perror("irqtool runas");
		return 126;
	}
	execvp(cmd[0], cmd);
	perror(cmd[0]);
	return 127;
}

/* ---- churn: the daemon's memory under repeated change ---- */

static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* Wait (10 s at most) until path exists (want 1) or not (want 0). */
static int wait_path(const char *path, int want)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if ((access(path, F_OK) == 0) == want)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static int churn_done(const char *what, int i, int n, uint64_t t0, int err)
{
	if (err) {
		printf("churn: %s failed at cycle %d of %d: %s\n", what, i, n,
		       ename(-err));
		return 1;
	}
	printf("churn: %d cycles in %llu ms\n", n,
	       (unsigned long long)((now_ns() - t0) / 1000000));
	return 0;
}

/* One write() per text on one fd ("\\n" in a text is a newline), then
 * close: prints each result ("ok" or the errno's name), close's last. */
static int do_put(const char *file, char **texts, int n)
{
	int fd = open(file, O_WRONLY), i, bad = 0;
	char buf[256];

	if (fd < 0) {
		printf("ERR open %s\n", ename(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		const char *t = texts[i];
		size_t len = 0;

		for (; *t && len < sizeof(buf); t++) {
			if (t[0] == '\\' && t[1] == 'n') {
				buf[len++] = '\n';
				t++;
			} else {
				buf[len++] = *t;
			}
		}
		if (write(fd, buf, len) < 0) {
			printf("%s ", ename(errno));
			bad = 1;
		} else {
			printf("ok ");
		}
	}
	if (close(fd) < 0) {
		printf("%s\n", ename(errno));
		bad = 1;
	} else {
		printf("ok\n");
	}
	return bad;
}

static int do_opens(const char *file, int n)
{
	char buf[256];
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = open(file, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
			printf("ERR %d %s\n", i, ename(errno));
			return 1;
		}
	}
	printf("ready\n");
	for (;;)
		pause();
}

static int do_churn_bind(const char *mnt, const char *bdf, int n)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	uint64_t t0 = now_ns();
	struct stat st;
	int i, err = 0;

	snprintf(dir, sizeof(dir), "%s/%s", mnt, bdf);
	for (i = 0; i < n && !err; i++) {
		err = put("/sys/bus/pci/drivers/vfio-pci/unbind", bdf);
		if (!err)
			err = wait_path(dir, 0);
		if (!err)
			err = put("/sys/bus/pci/drivers_probe", bdf);
		snprintf(path, sizeof(path), "%s/vendor", dir);
		if (!err)
			err = wait_path(path, 1);
		/* Nodes made by lookups: files, a register, a vector. */
		snprintf(path, sizeof(path), "%s/regs/config/0x0:16", dir);
		if (!err && stat(path, &st) < 0)
			err = -errno;
		snprintf(path, sizeof(path), "%s/counters", dir);
		if (!err && stat(path, &st) < 0)
			err = -errno;
	}
	return churn_done("bind", i, n, t0, err);
}

static int do_churn_dma(const char *mnt, int n)
{
	char dir[PATH_MAX], size[PATH_MAX + 8];
	uint64_t t0 = now_ns();
	int i, err = 0;

	snprintf(dir, sizeof(dir), "%s/dma/c", mnt);
	snprintf(size, sizeof(size), "%s/size", dir);
	for (i = 0; i < n && !err; i++) {
		if (mkdir(dir, 0755) < 0)
			err = -errno;
		if (!err)
			err = put(size, "4096\n");
		if (!err && rmdir(dir) < 0)
			err = -errno;
	}
	return churn_done("dma", i, n, t0, err);
}

static int do_churn_mode(const char *dev, int n, const char *m1,
			 const char *m2)
{
	char mode[PATH_MAX + 16], count[PATH_MAX + 16], val[32];
	uint64_t t0 = now_ns();
	struct stat st;
	int i, err = 0;

	snprintf(mode, sizeof(mode), "%s/irq/mode", dev);
	snprintf(count, sizeof(count), "%s/irq/0/count", dev);
	for (i = 0; i < n && !err; i++) {
		snprintf(val, sizeof(val), "%s\n", i % 2 ? m2 : m1);
		err = put(mode, val);
		if (!err && stat(count, &st) < 0)
			err = -errno;
	}
	return churn_done("mode", i, n, t0, err);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "read"))
		return do_read(argv[2], argc > 3);
	if (argc == 4 && !strcmp(argv[1], "eintr"))
		return do_eintr(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "sigint"))
		return do_sigint(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "poll"))
		return do_poll(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "readers"))
		return do_readers(atoi(argv[2]), argv + 3, argc - 3);
	if (argc >= 3 && !strcmp(argv[1], "time"))
		return do_time(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "runas"))
		return do_runas(atoi(argv[2]), atoi(argv[3]), argv + 4);
	if (argc >= 4 && !strcmp(argv[1], "put"))
		return do_put(argv[2], argv + 3, argc - 3);
	if (argc == 4 && !strcmp(argv[1], "opens"))
		return do_opens(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "churn-bind"))
		return do_churn_bind(argv[2], argv[3], atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "churn-dma"))
		return do_churn_dma(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "churn-mode"))
		return do_churn_mode(argv[2], atoi(argv[5]), argv[3], argv[4]);
	fprintf(stderr, "usage: see the top of tests/vm/irqtool.c\n");
	return 2;
}
