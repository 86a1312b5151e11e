/* iofault: an LD_PRELOAD shim that counts, and can fail once, the file-system calls a
   process makes on one set of files (the payment journal and its -wal and -shm), for
   tests/journal_faults.rs. Linux (glibc) only.

   IOFAULT_MARK    the calls counted are those on a path containing this text (open,
                   unlink) or on a descriptor such an open returned (the rest)
   IOFAULT_OP      the call to fail: open, read, write, fsync, lock, truncate, unlink, mmap
   IOFAULT_NTH     ... the NTH such call (1-based), once; 0: every such call
   IOFAULT_ERRNO   ... with this errno (a number)
   IOFAULT_COUNTS  at exit, write "OP COUNT" lines and "fired 0|1" to this file

   "read" is read/pread/pread64, "write" write/pwrite/pwrite64, "fsync" fsync/fdatasync,
   "lock" fcntl's lock commands (F_SETLK, F_SETLKW, F_GETLK and the OFD ones),
   "truncate" ftruncate/ftruncate64, "mmap" mmap/mmap64 of a counted descriptor (SQLite's
   WAL index), "thread" every pthread_create of the process (IOFAULT_MARK or not). Only calls made through the dynamic symbol table are seen: the library's
   SQLite and Rust's std make them so. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

enum { OP_OPEN, OP_READ, OP_WRITE, OP_FSYNC, OP_LOCK, OP_TRUNCATE, OP_UNLINK, OP_MMAP, OP_THREAD, OPS };
static const char *const op_names[OPS] = {"open", "read",   "write",  "fsync", "lock",
                                          "truncate", "unlink", "mmap", "thread"};

#define MAX_FD 65536
static unsigned char tracked[MAX_FD];
static long counts[OPS];
static int fail_op = -1;
static long fail_nth;
static int fail_errno;
static int fired;
static const char *mark;

__attribute__((constructor)) static void iofault_init(void) {
  mark = getenv("IOFAULT_MARK");
  const char *op = getenv("IOFAULT_OP");
  if (op != NULL) {
    for (int i = 0; i < OPS; i++) {
      if (strcmp(op, op_names[i]) == 0) fail_op = i;
    }
    const char *nth = getenv("IOFAULT_NTH");
    const char *e = getenv("IOFAULT_ERRNO");
    fail_nth = nth ? atol(nth) : 0;
    fail_errno = e ? atoi(e) : EIO;
  }
}

__attribute__((destructor)) static void iofault_report(void) {
  const char *path = getenv("IOFAULT_COUNTS");
  if (path == NULL) return;
  FILE *f = fopen(path, "w");
  if (f == NULL) return;
  for (int i = 0; i < OPS; i++) fprintf(f, "%s %ld\n", op_names[i], __atomic_load_n(&counts[i], __ATOMIC_SEQ_CST));
  fprintf(f, "fired %d\n", __atomic_load_n(&fired, __ATOMIC_SEQ_CST));
  fclose(f);
}

static int marked(const char *path) { return mark != NULL && path != NULL && strstr(path, mark) != NULL; }
static int is_tracked(int fd) { return fd >= 0 && fd < MAX_FD && __atomic_load_n(&tracked[fd], __ATOMIC_SEQ_CST); }
static void track(int fd, unsigned char on) {
  if (fd >= 0 && fd < MAX_FD) __atomic_store_n(&tracked[fd], on, __ATOMIC_SEQ_CST);
}

/* Counts one call of `op`; true when it is the one to fail (errno is then set). */
static int inject(int op) {
  long n = __atomic_add_fetch(&counts[op], 1, __ATOMIC_SEQ_CST);
  if (op == fail_op && (n == fail_nth || fail_nth == 0)) {
    __atomic_store_n(&fired, 1, __ATOMIC_SEQ_CST);
    errno = fail_errno;
    return 1;
  }
  return 0;
}

/* The next definition of `name` (libc's), typed as the header declares it. */
#define REAL(name) \
  static __typeof__(&name) real_##name; \
  if (real_##name == NULL) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static int open_common(const char *name, int dirfd, const char *path, int flags, mode_t mode) {
  typedef int (*openat_fn)(int, const char *, int, ...);
  static openat_fn real_openat, real_openat64;
  if (real_openat == NULL) real_openat = (openat_fn)dlsym(RTLD_NEXT, "openat");
  if (real_openat64 == NULL) real_openat64 = (openat_fn)dlsym(RTLD_NEXT, "openat64");
  int counted = marked(path);
  if (counted && inject(OP_OPEN)) return -1;
  (void)name;
  int fd = real_openat64 ? real_openat64(dirfd, path, flags, mode) : real_openat(dirfd, path, flags, mode);
  if (counted && fd >= 0) track(fd, 1);
  return fd;
}

static mode_t mode_of(int flags, va_list ap) {
  return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_of(flags, ap);
  va_end(ap);
  return open_common("open", AT_FDCWD, path, flags, mode);
}
int open64(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_of(flags, ap);
  va_end(ap);
  return open_common("open64", AT_FDCWD, path, flags, mode);
}
int openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_of(flags, ap);
  va_end(ap);
  return open_common("openat", dirfd, path, flags, mode);
}
int openat64(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_of(flags, ap);
  va_end(ap);
  return open_common("openat64", dirfd, path, flags, mode);
}

int close(int fd) {
  REAL(close);
  track(fd, 0);
  return real_close(fd);
}

ssize_t read(int fd, void *buf, size_t n) {
  REAL(read);
  if (is_tracked(fd) && inject(OP_READ)) return -1;
  return real_read(fd, buf, n);
}
ssize_t pread(int fd, void *buf, size_t n, off_t off) {
  REAL(pread);
  if (is_tracked(fd) && inject(OP_READ)) return -1;
  return real_pread(fd, buf, n, off);
}
ssize_t pread64(int fd, void *buf, size_t n, off64_t off) {
  REAL(pread64);
  if (is_tracked(fd) && inject(OP_READ)) return -1;
  return real_pread64(fd, buf, n, off);
}
ssize_t write(int fd, const void *buf, size_t n) {
  REAL(write);
  if (is_tracked(fd) && inject(OP_WRITE)) return -1;
  return real_write(fd, buf, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  REAL(pwrite);
  if (is_tracked(fd) && inject(OP_WRITE)) return -1;
  return real_pwrite(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
  REAL(pwrite64);
  if (is_tracked(fd) && inject(OP_WRITE)) return -1;
  return real_pwrite64(fd, buf, n, off);
}
int fsync(int fd) {
  REAL(fsync);
  if (is_tracked(fd) && inject(OP_FSYNC)) return -1;
  return real_fsync(fd);
}
int fdatasync(int fd) {
  REAL(fdatasync);
  if (is_tracked(fd) && inject(OP_FSYNC)) return -1;
  return real_fdatasync(fd);
}
int ftruncate(int fd, off_t len) {
  REAL(ftruncate);
  if (is_tracked(fd) && inject(OP_TRUNCATE)) return -1;
  return real_ftruncate(fd, len);
}
int ftruncate64(int fd, off64_t len) {
  REAL(ftruncate64);
  if (is_tracked(fd) && inject(OP_TRUNCATE)) return -1;
  return real_ftruncate64(fd, len);
}
int unlink(const char *path) {
  REAL(unlink);
  if (marked(path) && inject(OP_UNLINK)) return -1;
  return real_unlink(path);
}
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  REAL(mmap);
  if (is_tracked(fd) && inject(OP_MMAP)) return MAP_FAILED;
  return real_mmap(addr, len, prot, flags, fd, off);
}
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off) {
  REAL(mmap64);
  if (is_tracked(fd) && inject(OP_MMAP)) return MAP_FAILED;
  return real_mmap64(addr, len, prot, flags, fd, off);
}

static int is_lock(int cmd) {
  return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK || cmd == F_OFD_SETLK ||
         cmd == F_OFD_SETLKW || cmd == F_OFD_GETLK;
}

static int fcntl_common(const char *name, int fd, int cmd, void *arg) {
  typedef int (*fcntl_fn)(int, int, ...);
  fcntl_fn real = (fcntl_fn)dlsym(RTLD_NEXT, name);
  if (real == NULL) real = (fcntl_fn)dlsym(RTLD_NEXT, "fcntl");
  if (is_lock(cmd) && is_tracked(fd) && inject(OP_LOCK)) return -1;
  return real(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return fcntl_common("fcntl", fd, cmd, arg);
}
int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return fcntl_common("fcntl64", fd, cmd, arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
  REAL(pthread_create);
  if (inject(OP_THREAD)) return fail_errno;
  return real_pthread_create(thread, attr, start, arg);
}
